"""Templates translated once per language, when they are compiled, instead of on every
request (docs/architecture.md#speed,
"Pages translated once per language").

The app's Jinja environment hands each template request to an overlay of itself kept
per language (its own template cache). When an overlay compiles a template, every
`_("constant")` / `gettext("constant")` call becomes the catalogue's text, as the
runtime call would have returned it: jinja's newstyle gettext marks the translation
safe where the template autoescapes and always %-formats it with the call's keyword
arguments (`{{ _("%(n)s left", n=x) }}` → `Markup("还剩%(n)s") % {"n": x}`, the value
escaped as before), so the output is byte for byte the same. A constant text then
sits in the template's compiled code like the HTML around it. And
`ngettext("one", "many", n)` becomes its translated forms, chosen by `n == 1` where
the language has two (English), constant where it has one (Chinese). Calls with a
variable message stay runtime calls.

The overlay of a language is rebuilt when Flask-Babel's catalogue object for it changes
(Flask-Babel keeps a catalogue per worker until it is restarted or its cache is
cleared); with the templates' auto-reload (debug) nothing is folded at all, so a new
catalogue shows as soon as Flask-Babel loads it."""
from flask import has_app_context
from flask.templating import Environment
from jinja2 import Template, nodes
from jinja2.visitor import NodeTransformer

GETTEXT_NAMES = frozenset({"_", "gettext"})


class PageTemplate(Template):
    """Jinja's template, whose `{% import %}` of another one costs no walk over every
    global name.

    Importing, Jinja asks which globals the importing page has that the imported one
    lacks, to share them: a set difference against a ChainMap, each name looked up in
    Python (about 20 µs a page imported, several a page here). Where the imported
    template has no globals of its own, both hold the environment's alone: the same
    question, answered on the environment's dict in C."""

    def _get_default_module(self, ctx=None):
        maps = getattr(self.globals, "maps", ())  # Jinja's ChainMap(own, environment's)
        if (ctx is not None and len(maps) == 2 and not maps[0]
                and maps[1] is self.environment.globals
                and not ctx.globals_keys - self.environment.globals.keys()):
            ctx = None  # nothing to share: Jinja's module of the template, kept
        return super()._get_default_module(ctx)


class PageEnvironment(Environment):
    """Flask's Jinja environment, which compiles pages once per reader's language."""

    template_class = PageTemplate
    #: The catalogue an overlay folds into its templates; None on the app's own.
    page_translations = None

    def _load_template(self, name, globals):
        if self.linked_to is None and has_app_context():
            language = self.language_environment()
            if language is not None:
                return language._load_template(name, globals)
        return super()._load_template(name, globals)

    def language_environment(self):
        """The overlay for the current request's language (None with auto-reload)."""
        from grouptools.core.i18n import current_catalogue, current_language

        if self.auto_reload:
            return None
        translations = current_catalogue()
        language = current_language()
        kept = self.__dict__.setdefault("_page_languages", {})
        found = kept.get(language)
        if found is None or found.page_translations is not translations:
            found = kept[language] = self._language_overlay(translations)
        return found

    def _language_overlay(self, translations):
        cache = self.cache
        size = 0 if cache is None else -1 if isinstance(cache, dict) else cache.capacity
        # Its own cache (never the other language's compiled pages), and no bytecode
        # cache: that one is keyed by the source alone.
        overlay = self.overlay(cache_size=size, bytecode_cache=None)
        overlay.page_translations = translations
        return overlay

    def _generate(self, source, name, filename, defer_init=False):
        if self.page_translations is not None:
            source = TranslationFolder(self, self.page_translations).visit(source)
        return super()._generate(source, name, filename, defer_init=defer_init)


class TranslationFolder(NodeTransformer):
    """Replaces `_("constant", k=v…)` by what jinja's newstyle gettext would return:
    `MarkSafeIfAutoescape("translation") % {"k": v…}`."""

    def __init__(self, environment, translations):
        self.environment, self.translations = environment, translations

    def visit_Call(self, node):
        node = self.generic_visit(node)
        if isinstance(node.node, nodes.Name) and node.node.name == "ngettext":
            return self._plural(node)
        callee = node.node
        if not (isinstance(callee, nodes.Name) and callee.name in GETTEXT_NAMES
                and len(node.args) == 1 and isinstance(node.args[0], nodes.Const)
                and isinstance(node.args[0].value, str)
                and node.dyn_args is None and node.dyn_kwargs is None):
            return node
        text = self.translations.ugettext(node.args[0].value)
        variables = nodes.Dict([nodes.Pair(nodes.Const(keyword.key), keyword.value)
                                for keyword in node.kwargs])
        return self._formatted(node, nodes.Const(text), variables)

    def _formatted(self, node, text, variables):
        folded = nodes.Mod(nodes.MarkSafeIfAutoescape(text), variables)
        folded.set_lineno(node.lineno)
        folded.set_environment(self.environment)
        return folded

    def _plural(self, node):
        """`ngettext("one", "many", n, k=v…)`, where the language's form depends only on
        whether n is 1 (English) or on nothing (Chinese): the translated forms, chosen by
        `n == 1` where they differ; n (read twice then) must hold no call."""
        args = node.args
        if not (len(args) == 3 and all(isinstance(a, nodes.Const) and isinstance(a.value, str)
                                       for a in args[:2])
                and node.dyn_args is None and node.dyn_kwargs is None
                and next(args[2].find_all(nodes.Call), None) is None
                and self._forms_depend_on_one_only()):
            return node
        singular, plural, num = args[0].value, args[1].value, args[2]
        one = self.translations.ungettext(singular, plural, 1)
        other = self.translations.ungettext(singular, plural, 2)
        if one == other:
            text = nodes.Const(one)
        else:
            is_one = nodes.Compare(num, [nodes.Operand("eq", nodes.Const(1))])
            text = nodes.CondExpr(is_one, nodes.Const(one), nodes.Const(other))
        pairs = [nodes.Pair(nodes.Const(keyword.key), keyword.value) for keyword in node.kwargs]
        if not any(keyword.key == "num" for keyword in node.kwargs):
            pairs.append(nodes.Pair(nodes.Const("num"), num))  # as jinja's ngettext adds it
        return self._formatted(node, text, nodes.Dict(pairs))

    def _forms_depend_on_one_only(self):
        """The catalogue's plural rule gives one form for every n, or one for 1 and
        another for every other n (or the catalogue has no rule of its own)."""
        rule = getattr(self.translations, "plural", None)
        if rule is None:
            return False
        indices = [rule(n) for n in range(1000)]
        return set(indices) == {0} or indices == [int(n != 1) for n in range(1000)]
