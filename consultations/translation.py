"""A consultation type's staff-entered text in every language the product speaks
(django-modeltranslation, as ``events.translation``): ``title_en``, ``description_zh_hans`` ...;
reading the field gives the request's (or an email's overridden) language, or the Japanese
where none was entered (``events.selectors.shown_language`` says which, for ``lang``).

A counsellor's shown name (子育てコンシェルジュ, a role more than a person) is translated the
same way. A type's topics are a list per language (``topics_vi`` ...), each the translation
of the Japanese list item by item; what a family picks is stored as the Japanese item, and
``consultations.topics`` (not the field itself) reads the lists, falling back to the Japanese
for a list that does not match it."""

from modeltranslation.translator import TranslationOptions, register

from consultations.models import ConsultationType, Counsellor


@register(ConsultationType)
class ConsultationTypeTranslation(TranslationOptions):
    fields = ("title", "description", "audience", "topics")


@register(Counsellor)
class CounsellorTranslation(TranslationOptions):
    fields = ("display_name",)
