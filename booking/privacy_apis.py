"""A parent erases the personal data of one reservation, with its manage token."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import privacy
from booking.apis import TOKEN_PARAMETERS, reservation_from_request
from core.schema import ERROR_RESPONSES
from core.throttling import TokenLookupThrottle


class ReservationEraseApi(APIView):
    """A parent deletes their personal data for one reservation (cancelling it if live)."""

    permission_classes = [AllowAny]
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        parameters=TOKEN_PARAMETERS, request=None, responses={204: None, **ERROR_RESPONSES}
    )
    def post(self, request, code: str):
        reservation = reservation_from_request(request, code)
        privacy.reservation_erase(reservation=reservation)
        return Response(status=status.HTTP_204_NO_CONTENT)
