"""Background work: jobs on rq over Redis when ``REDIS_URL`` is set, inline otherwise.

Mail goes through a durable outbox (``outbox.py``): a message is a row written in the same
transaction as the data it speaks of, so losing Redis delays mail but never loses it; the
worker and the scheduler's sweep deliver each row once.
"""
