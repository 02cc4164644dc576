"""Tests of the programmes app."""
