from django.urls import URLPattern, URLResolver, path

from notifications import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("inbox/", views.inbox, name="notifications-inbox"),
    path("inbox/<int:pk>/read", views.mark_read, name="notifications-read"),
    path("inbox/<int:pk>/open", views.open_message, name="notifications-open"),
    path("inbox/read-all", views.mark_all_read, name="notifications-read-all"),
]
