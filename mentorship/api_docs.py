"""The interactive API docs at /api/docs/, served from local files only (drf-spectacular-sidecar)."""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's static files; its init script is a separate same-origin file (?script).

    Our template drops drf-spectacular's inline <style> block, which the Content-Security-Policy forbids.
    (A module of its own: drf_spectacular.views imports the schema class, so mentorship.api_schema cannot
    import the views.)
    """

    template_name = "api/swagger_ui.html"
