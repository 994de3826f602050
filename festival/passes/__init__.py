"""Season and multi-visit passes: holders reserve a free entry in an entry slot; a pass
admits once per night.
"""
