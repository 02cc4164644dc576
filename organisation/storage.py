from urllib.parse import urljoin

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files in production. Before collectstatic has
    run (tests, a first `manage.py` call) a file falls back to its plain URL
    instead of failing the page."""

    manifest_strict = False

    def url(self, name, force=False):
        try:
            return super().url(name, force)
        except ValueError:
            return urljoin(self.base_url, name)
