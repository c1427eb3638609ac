"""The questions a planner asks: routes, skims, centrality, demand and flows, scenario
comparison and appraisal, criticality, calibration and validation.

Imports only the routing graph, the network and the layers below them.
"""
