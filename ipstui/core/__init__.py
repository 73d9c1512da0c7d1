"""Headless core of ipstui: never imports Textual."""
