"""The physical network and its data: the tables of ``data/`` read and checked (schema,
tables, names, geodesy, sea legs, basemap), the :class:`~corridors.network.model.Network`
they assemble into, scenarios (a network in, a new network out) and OpenStreetMap import.

Imports only :mod:`corridors.errors`, :mod:`corridors.atomic` and :mod:`corridors.engine`.
"""
