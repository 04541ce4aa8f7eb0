"""The fuel supply programme: network, measurement, planning, simulation and operations."""
