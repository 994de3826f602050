"""Night closures for weather or safety: every affected visitor chooses rebooking, a credit
or a refund, once.
"""
