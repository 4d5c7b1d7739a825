"""A column copied from a related row, so that list pages filter and sort on one table's index."""
from functools import lru_cache

from django.apps import apps
from django.db import models


@lru_cache(maxsize=20_000)
def _related_value(model_label: str, attribute: str, pk: int):
    # Reference rows (administrative units, priority groups) keep their codes for life; one read per process.
    model = apps.get_model(model_label)
    return model.objects.filter(pk=pk).values_list(attribute, flat=True).first()


class CopiedField(models.PositiveIntegerField):
    """An integer copied, when the row is first written, from a row it points to (`source="relation.attribute"`).

    Django calls `pre_save` from `save()` and from `bulk_create()` alike, so no way of creating the row forgets it.
    """

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, instance, add):
        value = getattr(instance, self.attname)
        if value is None:
            relation, attribute = self.source.split(".")
            field = instance._meta.get_field(relation)
            if field.is_cached(instance):
                related = field.get_cached_value(instance)
                value = getattr(related, attribute) if related is not None else None
            elif getattr(instance, field.attname) is not None:
                value = _related_value(field.related_model._meta.label, attribute, getattr(instance, field.attname))
            setattr(instance, self.attname, value)
        return value
