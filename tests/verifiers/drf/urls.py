"""One protected view: who the token says the caller is."""
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView


class Me(APIView):
    """Behind SimpleJWT's JWTAuthentication (settings.REST_FRAMEWORK)."""

    def get(self, request):
        return Response({'id': request.user.id,
                         'username': request.user.username})


urlpatterns = [path('me', Me.as_view())]
