"""A fixed-window counter per client IP in the cache, so it holds across app servers."""

import hashlib
import ipaddress

from django.core.cache import cache

from comments.conf import setting


def client_ip(request):
    """The client's address from the header named by COMMENTS_CLIENT_IP_HEADER.

    Behind proxies set it to e.g. HTTP_X_FORWARDED_FOR. Each proxy appends the address it saw,
    so the leftmost entries are whatever the client chose to send: the address taken is the
    one COMMENTS_PROXY_COUNT places from the right, the one our outermost proxy saw.
    """
    value = request.META.get(setting("CLIENT_IP_HEADER")) or request.META.get("REMOTE_ADDR", "")
    addresses = [part.strip() for part in value.split(",") if part.strip()]
    if not addresses:
        return None
    index = max(1, setting("PROXY_COUNT"))
    address = addresses[-min(index, len(addresses))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def hit(request, bucket):
    """Count one attempt; return False once the client is over COMMENTS_RATE_LIMIT a window."""
    limit = setting("RATE_LIMIT")
    if not limit:
        return True
    window = setting("RATE_WINDOW_SECONDS")
    ip = client_ip(request) or "unknown"
    digest = hashlib.sha256(ip.encode()).hexdigest()[:32]
    key = f"comments:rate:{bucket}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
