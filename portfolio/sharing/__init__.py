"""Consented sharing of portfolio items by link, and the verifiable PDF "presentatiedossier".

A separate app beside ``portfolio`` so its models and migrations move on their own: it reads the
portfolio's items and the trajectory's facts, and owns only the shares, their openings and the
export records.
"""
