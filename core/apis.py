"""The floor of every benchmark: a ping that does no database work."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class PingApi(APIView):
    """A DRF endpoint that does no database work: the framework's floor in benchmarks."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: inline_serializer("Pong", {"pong": serializers.BooleanField()})})
    def get(self, request):
        return Response({"pong": True})
