"""The baseline: the same middleware stack, one INSERT, a 201 JSON answer."""

import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bench.bare.models import BareRow


@csrf_exempt
@require_POST
def bare_create(request):
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"code": "invalid"}, status=400)
    row = BareRow.objects.create(text=str(payload.get("title", ""))[:200])
    return JsonResponse({"id": row.pk}, status=201)
