"""Operating an installation: backups of the database and their restoration, checked against a manifest."""
