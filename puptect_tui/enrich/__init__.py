"""What we learn about a login beyond its own fields.

Local blocklists, user agents and geography answer at once and in-line; the DNS
blocklists answer later, from a worker thread, and update the event when they do.
"""
