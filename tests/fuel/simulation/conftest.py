"""Simulation fixtures, defined in simulation_support (importable under a unique module name)."""

from simulation_support import system

__all__ = ["system"]
