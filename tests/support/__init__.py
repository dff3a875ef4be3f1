"""Helpers shared by the tests: fixture records and portals, real builds of them."""
