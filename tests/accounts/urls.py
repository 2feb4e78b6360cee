"""The project's URLs plus the OIDC endpoints, as ``avustus.urls`` has them when AVUSTUS_OIDC_ISSUER is set."""

from django.urls import include, path

from avustus.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]
