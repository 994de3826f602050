"""Live entries and daily visitor reports that venue partners submit to the base."""
