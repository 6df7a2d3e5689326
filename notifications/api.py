"""The in-app inbox over the API: list my messages, mark one or all as read."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from mentorship.api_query import KnownQueryParametersOnly
from mentorship.filters import OneOfFilter, YesNoFilter
from notifications.kinds import Kind
from notifications.models import Notification, NotificationQuerySet
from notifications.rendering import InboxEntry, inbox_entries, inbox_entry
from notifications.selectors import inbox_list
from notifications.services import notification_mark_read, notifications_mark_all_read

UNAUTHENTICATED = OpenApiResponse(description="Not signed in.")
NOT_FOUND = OpenApiResponse(description="No such message of yours.")


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        read_only=True,
        help_text="What the message is about (`meeting_proposed`, `match_approved`, …): one of the values the list's "
        "`kind` filter takes.",
    )
    subject = serializers.SerializerMethodField(
        help_text="Plain text, as in the e-mail's subject line: it may quote names people typed, so escape it "
        "before putting it into HTML."
    )
    link = serializers.SerializerMethodField(help_text='The page to open, as a path ("" when there is none).')
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "kind", "subject", "link", "object_type", "object_id", "due_at", "read_at", "unread")
        read_only_fields = fields

    def _entry(self, obj: Notification) -> InboxEntry:
        # Subject and link come from one load of the object the message is about.
        cache: dict[int, InboxEntry] = self.context.setdefault("inbox_entries", {})
        if obj.pk not in cache:
            cache[obj.pk] = inbox_entry(obj)
        return cache[obj.pk]

    def get_subject(self, obj: Notification) -> str:
        return self._entry(obj).subject

    def get_link(self, obj: Notification) -> str:
        return self._entry(obj).link

    def get_unread(self, obj: Notification) -> bool:
        return obj.is_unread()


class NotificationFilter(django_filters.FilterSet):
    kind = OneOfFilter(choices=Kind.choices, help_text="Only messages of this kind.")
    unread = YesNoFilter(
        field_name="read_at", lookup_expr="isnull", help_text="`true`: only the unread ones; `false`: only the read."
    )

    class Meta:
        model = Notification
        fields = ("kind", "unread")


MarkedAll = inline_serializer("MarkedAll", {"marked": serializers.IntegerField()})


@extend_schema(tags=["notifications"])
class NotificationViewSet(
    KnownQueryParametersOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Notification]
):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ("due_at",)

    def get_queryset(self) -> NotificationQuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return inbox_list(user=self.request.user)  # type: ignore[arg-type]

    @extend_schema(
        summary="My in-app messages, newest first",
        responses={200: NotificationSerializer(many=True), 401: UNAUTHENTICATED},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(queryset if page is None else page)
        # The page's objects in one query per kind; the serializer reads subject and link from these entries.
        entries = {entry.notification.pk: entry for entry in inbox_entries(rows)}
        context = {**self.get_serializer_context(), "inbox_entries": entries}
        data = NotificationSerializer(rows, many=True, context=context).data
        return Response(data) if page is None else self.get_paginated_response(data)

    @extend_schema(
        summary="One of my messages", responses={200: NotificationSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND}
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Mark one message read",
        request=None,
        responses={200: NotificationSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        try:
            notification = notification_mark_read(user=request.user, notification_id=int(pk or 0))  # type: ignore[arg-type]
        except (Notification.DoesNotExist, ValueError):
            raise Http404 from None
        return Response(NotificationSerializer(notification).data)

    @extend_schema(summary="Mark all my messages read", request=None, responses={200: MarkedAll, 401: UNAUTHENTICATED})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notifications_mark_all_read(user=request.user)})  # type: ignore[arg-type]


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = router.urls
