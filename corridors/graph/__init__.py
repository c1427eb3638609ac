"""The routing graph: the physical network expanded to one node per (place, layer), with
every line haul, border crossing, transfer and wait as a charged edge (:mod:`.costs`),
compiled onto the engine, constrained by masks (:mod:`.constraints`) and cached on disk.

Imports only the network layer and the layers below it.
"""
