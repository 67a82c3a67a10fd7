"""Where a facility is on a map, for the pages and the emails that send parents there."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

from events.models import Facility


def facility_map_link(facility: Facility) -> str:
    """The facility on a map (``MAP_SEARCH_URL``): its pin where it has one, else its address
    and name in Japanese, as a taxi or a map reads them. A phone opens it in its map app."""
    if facility.latitude is not None and facility.longitude is not None:
        query = f"{facility.latitude},{facility.longitude}"
    else:
        query = f"{facility.address} {facility.name}"
    return settings.MAP_SEARCH_URL.format(query=quote(query, safe=","))
