"""Reference data any signed-in client needs to fill a profile: specialties, career stages, focus areas, languages.
Small and rarely changed, so each list comes whole (no pages)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from profiles.api.auth import SignedInAPI
from profiles.models import CareerStage, FocusArea, Language, Specialty
from profiles.selectors import focus_area_list, language_list, specialty_tree


class SubspecialtySerializer(serializers.ModelSerializer):
    class Meta:
        model = Specialty
        fields = ("id", "name", "slug")


class SpecialtySerializer(serializers.ModelSerializer):
    subspecialties = SubspecialtySerializer(many=True, read_only=True)

    class Meta:
        model = Specialty
        fields = ("id", "name", "slug", "is_acgme_core", "subspecialties")


class CareerStageSerializer(serializers.Serializer):
    value = serializers.IntegerField(help_text="Ordered: a higher value is further along.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label


class FocusAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ("id", "name", "slug", "description")


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ("id", "code", "name")


class _ReferenceList(SignedInAPI, generics.ListAPIView):
    pagination_class = None
    filter_backends: list[Any] = []


@extend_schema(tags=["reference"], summary="Specialties, each with its sub-specialties nested")
class SpecialtyList(_ReferenceList):
    serializer_class = SpecialtySerializer

    def get_queryset(self) -> Any:
        return specialty_tree()


@extend_schema(tags=["reference"], summary="Focus areas (what trainees seek and mentors offer)")
class FocusAreaList(_ReferenceList):
    serializer_class = FocusAreaSerializer

    def get_queryset(self) -> Any:
        return focus_area_list()


@extend_schema(tags=["reference"], summary="Languages people can meet in")
class LanguageList(_ReferenceList):
    serializer_class = LanguageSerializer

    def get_queryset(self) -> Any:
        return language_list()


class CareerStageList(SignedInAPI):
    @extend_schema(
        tags=["reference"],
        summary="Career stages, in order",
        responses={200: CareerStageSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        stages = [{"value": value, "label": label} for value, label in CareerStage.choices]
        return Response(CareerStageSerializer(stages, many=True).data)
