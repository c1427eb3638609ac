"""The questions a planner asks: routes, skims, centrality, demand and flows, scenario
comparison and appraisal, criticality, calibration and validation, and the all-pairs sanity
sweep.

Imports only the routing graph, the network and the layers below them.
"""
