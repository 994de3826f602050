"""Tour operators and their group blocks: booked without paying online, invoiced, released
when unpaid past terms.
"""
