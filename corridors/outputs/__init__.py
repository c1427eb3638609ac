"""What people read and GIS users open: static and interactive maps, charts, the
assessment report, the built GeoPackage and GraphML, the network summary.

Imports only the analysis layer and the layers below it.
"""
