"""How the OpenAPI schema describes the API's two token schemes (drf-spectacular extensions)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class HeaderTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.HeaderTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token-based authentication: the value \"Token <key>\"."}


class QueryKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.QueryKeyAuthentication"
    name = "apiKeyQuery"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "query", "name": "api_key",
                "description": "The key as the query parameter api_key (Power BI's scheduled refresh)."}
