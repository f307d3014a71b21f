"""The OpenAPI schema and Swagger UI: signed-in users only unless ``API_DOCS_PUBLIC`` (default: DEBUG).

The schema lists every endpoint and its parameters, which is a map for an attacker and no help to the
public; the portal's own developers and integrators sign in. The setting is read at request time.

Swagger UI runs under the portal's Content-Security-Policy: drf-spectacular's own page has an inline
``<style>`` and an inline (or per-request, user-specific) script, so this page gives Swagger UI its
settings as a JSON data block and starts it from a static file (static/js/swagger-init.js).
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response


def docs_open_to(user) -> bool:
    return settings.API_DOCS_PUBLIC or bool(user and user.is_authenticated)


class ApiDocsPermission(BasePermission):
    def has_permission(self, request, view):
        return docs_open_to(request.user)


class SchemaMadeOnce(spectacular_settings.DEFAULT_GENERATOR_CLASS):
    """The schema is made from the code alone (the same for every user: ``SERVE_PUBLIC``), so each process
    makes it once per language, API version and visibility instead of on every request (0.1-0.3 s)."""

    made: dict[tuple, dict] = {}

    def get_schema(self, request=None, public=False):
        key = (translation.get_language(), self.api_version, public)
        if key not in self.made:
            self.made[key] = super().get_schema(request=request, public=public)
        return self.made[key]


class RenderedOnce:
    """A schema renderer that keeps its output: the same schema (the view's ``schema_key``, set only when it
    answers the schema) rendered to the same format is the same bytes, and writing the large schema as YAML
    or JSON took longer than anything else on the request once the schema itself was made once."""

    rendered: dict[tuple, bytes] = {}

    def render(self, data, accepted_media_type=None, renderer_context=None):
        schema_key = getattr((renderer_context or {}).get("view"), "schema_key", None)
        if schema_key is None:  # an error (401/403) or anything else than the schema
            return super().render(data, accepted_media_type, renderer_context)
        key = (*schema_key, type(self), accepted_media_type)  # the schema's key holds its language
        if key not in self.rendered:
            self.rendered[key] = super().render(data, accepted_media_type, renderer_context)
        return self.rendered[key]


class SchemaView(SpectacularAPIView):
    permission_classes = [ApiDocsPermission]
    generator_class = SchemaMadeOnce
    renderer_classes = [
        type(renderer.__name__, (RenderedOnce, renderer), {})
        for renderer in (OpenApiYamlRenderer, OpenApiYamlRenderer2, OpenApiJsonRenderer, OpenApiJsonRenderer2)
    ]
    schema_key: tuple | None = None

    def _get_schema_response(self, request):
        response = super()._get_schema_response(request)
        # What SchemaMadeOnce keyed the schema by (the language is the one it was made in).
        version = self.api_version or request.version or self._get_version_parameter(request)
        self.schema_key = (translation.get_language(), version, self.serve_public)
        return response


class SwaggerView(SpectacularSwaggerView):
    # An HTML page: an anonymous visitor is sent to the login page (below) rather than shown a 403.
    # The page holds no data of its own; the schema it loads is guarded by ApiDocsPermission.
    permission_classes = [AllowAny]
    template_name = "api_docs.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if not docs_open_to(request.user):
            return redirect_to_login(request.get_full_path())
        config = {
            "url": self._get_schema_url(request),
            "settings": spectacular_settings.SWAGGER_UI_SETTINGS,
            "csrfHeaderName": self._get_csrf_header_name(),
        }
        return Response(
            data={
                "title": self.title,
                "swagger_ui_css": self._swagger_ui_resource("swagger-ui.css"),
                "swagger_ui_bundle": self._swagger_ui_resource("swagger-ui-bundle.js"),
                "swagger_ui_standalone": self._swagger_ui_resource("swagger-ui-standalone-preset.js"),
                "favicon_href": self._swagger_ui_favicon(),
                "swagger_config": config,
            },
            template_name=self.template_name,
        )
