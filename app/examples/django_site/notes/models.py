from django.db import models

MAX_TEXT_LENGTH = 500


class Note(models.Model):
    text = models.CharField(max_length=MAX_TEXT_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def as_json(self) -> dict:
        return {"id": self.id, "text": self.text, "createdAt": self.created_at.isoformat()}
