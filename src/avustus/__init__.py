"""Avustus: a discretionary grant programme from call to closure."""
