"""A consultation type's staff-entered text in every language the product speaks
(django-modeltranslation, as ``events.translation``): ``title_en``, ``description_zh_hans`` ...;
reading the field gives the request's (or an email's overridden) language, or the Japanese
where none was entered (``events.selectors.shown_language`` says which, for ``lang``)."""

from modeltranslation.translator import TranslationOptions, register

from consultations.models import ConsultationType


@register(ConsultationType)
class ConsultationTypeTranslation(TranslationOptions):
    fields = ("title", "description", "audience")
