"""``/api/notes/``: GET lists the latest notes, POST (JSON ``{"text": ...}``) adds one."""

import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from django_site.views import problem

from .models import MAX_TEXT_LENGTH, Note

LIST_LIMIT = 50


@csrf_exempt  # no cookies or sessions: see MIDDLEWARE in settings
def notes(request):
    if request.method == "GET":
        response = _json({"notes": [note.as_json() for note in Note.objects.all()[:LIST_LIMIT]]}, 200)
    elif request.method == "POST":
        response = _create(request)
    else:
        response = problem(405, "method_not_allowed", f"{request.path} accepts GET, POST")
        response["allow"] = "GET, POST"
    return response


def _create(request):
    if request.content_type != "application/json":
        return problem(415, "unsupported_media_type", "send the note as application/json")
    try:
        body = json.loads(request.body)
    except ValueError:
        return problem(400, "invalid_note", "the body is not valid JSON")
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_LENGTH:
        return problem(400, "invalid_note", f"text must be a non-blank string of at most {MAX_TEXT_LENGTH} characters")
    return _json(Note.objects.create(text=text.strip()).as_json(), 201)


def _json(body, status):
    response = JsonResponse(body, status=status)
    response["cache-control"] = "no-store"
    return response
