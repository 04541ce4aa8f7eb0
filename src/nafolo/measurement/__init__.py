"""Pure measurement arithmetic: units, petroleum volume correction (ASTM D1250), precious metals."""
