#include "TrafficFilter.h"

#include <QChar>

#include <cmath>
#include <iterator>

namespace portico {

namespace {

// In TrafficFilter::Key's order, which is also the order error messages list them in.
constexpr QLatin1StringView kKeyNames[] = {
    QLatin1StringView("status"),   QLatin1StringView("route"), QLatin1StringView("consumer"),
    QLatin1StringView("method"),   QLatin1StringView("path"),  QLatin1StringView("host"),
    QLatin1StringView("latency"),  QLatin1StringView("size"),  QLatin1StringView("client"),
    QLatin1StringView("id"),       QLatin1StringView("trace"), QLatin1StringView("target"),
    QLatin1StringView("decision"),
};

struct Unit
{
    QLatin1StringView name;
    qint64 factor;
};

constexpr Unit kTimeUnits[] = {{QLatin1StringView("us"), 1},
                               {QLatin1StringView("\xb5s"), 1}, // µs in Latin-1
                               {QLatin1StringView("ms"), 1000},
                               {QLatin1StringView("s"), 1000 * 1000}};
constexpr Unit kSizeUnits[] = {{QLatin1StringView("b"), 1},
                               {QLatin1StringView("kb"), 1024},
                               {QLatin1StringView("mb"), 1024 * 1024}};

constexpr qint64 kMaxAmount = qint64(1) << 53; // far above any status, latency or size

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

enum class Op { None, Less, LessEqual, Greater, GreaterEqual, Equal };

// Splits a leading comparison operator off a value.
Op takeOp(QStringView &value)
{
    const auto take = [&value](qsizetype n, Op op) {
        value = value.sliced(n);
        return op;
    };
    if (value.startsWith(u">="))
        return take(2, Op::GreaterEqual);
    if (value.startsWith(u"<="))
        return take(2, Op::LessEqual);
    if (value.startsWith(u'>'))
        return take(1, Op::Greater);
    if (value.startsWith(u'<'))
        return take(1, Op::Less);
    if (value.startsWith(u'='))
        return take(1, Op::Equal);
    return Op::None;
}

// A decimal number ("100", "1.5") followed by a unit of `units`, or none for `defaultFactor`.
// The amount in the smallest unit, rounded; an empty optional with *error set when invalid.
template<size_t N>
std::optional<qint64> parseAmount(QStringView value, const Unit (&units)[N], qint64 defaultFactor,
                                  QString *error)
{
    qsizetype i = 0;
    while (i < value.size() && isDigit(value[i]))
        ++i;
    const qsizetype integerDigits = i;
    if (i < value.size() && value[i] == u'.') {
        ++i;
        while (i < value.size() && isDigit(value[i]))
            ++i;
    }
    if (integerDigits == 0 || value[i - 1] == u'.') {
        *error = QStringLiteral("expected a number, not \"%1\"").arg(value);
        return std::nullopt;
    }
    const double number = value.first(i).toDouble();
    const QStringView unitText = value.sliced(i);
    qint64 factor = defaultFactor;
    if (!unitText.isEmpty()) {
        factor = 0;
        QStringList names;
        for (const Unit &unit : units) {
            names << unit.name;
            if (unitText.compare(unit.name, Qt::CaseInsensitive) == 0)
                factor = unit.factor;
        }
        if (factor == 0) {
            *error = QStringLiteral("unknown unit \"%1\" (expected %2)")
                         .arg(unitText, names.join(QLatin1StringView(", ")));
            return std::nullopt;
        }
    }
    const double amount = std::round(number * double(factor));
    if (amount > double(kMaxAmount)) {
        *error = QStringLiteral("%1 is too large").arg(value);
        return std::nullopt;
    }
    return qint64(amount);
}

// The inclusive range a comparison selects; `floor` is the smallest value a comparison from
// below reaches.
void rangeOf(Op op, qint64 amount, qint64 floor, qint64 *low, qint64 *high)
{
    *low = floor;
    *high = kMaxAmount;
    switch (op) {
    case Op::None:
    case Op::Equal: *low = *high = amount; break;
    case Op::Less: *high = amount - 1; break;
    case Op::LessEqual: *high = amount; break;
    case Op::Greater: *low = amount + 1; break;
    case Op::GreaterEqual: *low = amount; break;
    }
}

bool isSpace(QChar c)
{
    return c.isSpace();
}

bool hasWildcard(QStringView value)
{
    return value.contains(u'*') || value.contains(u'?');
}

} // namespace

// Reads one term at a time, collecting every error rather than stopping at the first.
class TrafficFilterParser
{
public:
    using Term = TrafficFilter::Term;
    using Key = TrafficFilter::Key;
    using TextMode = TrafficFilter::TextMode;

    explicit TrafficFilterParser(QStringView text)
        : m_text(text)
    {
    }

    TrafficFilterParse run()
    {
        qsizetype i = 0;
        while (i < m_text.size()) {
            if (isSpace(m_text[i])) {
                ++i;
                continue;
            }
            i = term(i);
        }
        TrafficFilterParse result;
        result.errors = std::move(m_errors);
        if (result.errors.empty()) {
            result.filter.emplace();
            result.filter->m_terms = std::move(m_terms);
        }
        return result;
    }

private:
    // Reads the term starting at `start`; returns where it ends.
    qsizetype term(qsizetype start)
    {
        qsizetype i = start;
        Term term;
        if (m_text[i] == u'-' && i + 1 < m_text.size() && !isSpace(m_text[i + 1])) {
            term.negated = true;
            ++i;
        }
        // A key is a run of letters followed by a colon; anything else is a bare word.
        qsizetype keyEnd = i;
        while (keyEnd < m_text.size() && m_text[keyEnd].isLetter())
            ++keyEnd;
        const bool hasKey = keyEnd > i && keyEnd < m_text.size() && m_text[keyEnd] == u':';
        const QStringView keyText = hasKey ? m_text.sliced(i, keyEnd - i) : QStringView();
        const qsizetype valueStart = hasKey ? keyEnd + 1 : i;

        // A quoted "" is a value: the field must be empty.
        QString value;
        bool quoted = false;
        QString error;
        const qsizetype end = readValue(valueStart, &value, &quoted, &error);
        m_start = start;
        m_length = end - start;
        if (!error.isEmpty()) {
            fail(error);
            return end;
        }
        if (hasKey && !key(keyText, &term.key))
            return end;
        if (value.isEmpty() && !quoted) {
            fail(QStringLiteral("%1 needs a value").arg(keyText.toString().toLower()));
            return end;
        }
        if (compile(value, &term))
            m_terms.push_back(std::move(term));
        return end;
    }

    // A quoted value ("a b", with \" and \\ escapes) or a run up to the next space.
    qsizetype readValue(qsizetype i, QString *value, bool *quoted, QString *error)
    {
        if (i >= m_text.size() || m_text[i] != u'"') {
            qsizetype end = i;
            while (end < m_text.size() && !isSpace(m_text[end]))
                ++end;
            *value = m_text.sliced(i, end - i).toString();
            return end;
        }
        *quoted = true;
        for (++i; i < m_text.size(); ++i) {
            const QChar c = m_text[i];
            if (c == u'\\' && i + 1 < m_text.size()
                && (m_text[i + 1] == u'"' || m_text[i + 1] == u'\\')) {
                value->append(m_text[++i]);
            } else if (c == u'"') {
                ++i;
                if (i < m_text.size() && !isSpace(m_text[i])) {
                    *error = QStringLiteral("unexpected text after the closing quote");
                    while (i < m_text.size() && !isSpace(m_text[i]))
                        ++i;
                }
                return i;
            } else {
                value->append(c);
            }
        }
        *error = QStringLiteral("missing closing quote");
        return i;
    }

    bool key(QStringView text, Key *key)
    {
        static_assert(std::size(kKeyNames) == size_t(Key::Word));
        for (size_t i = 0; i < std::size(kKeyNames); ++i) {
            if (text.compare(kKeyNames[i], Qt::CaseInsensitive) == 0) {
                *key = Key(i);
                return true;
            }
        }
        fail(QStringLiteral("unknown key \"%1\" (expected %2)")
                 .arg(text, TrafficFilter::keys().join(QLatin1StringView(", "))));
        return false;
    }

    bool compile(const QString &value, Term *term)
    {
        switch (term->key) {
        case Key::Status: return status(value, term);
        case Key::Latency: return latency(value, term);
        case Key::Size: return size(value, term);
        case Key::Path: text(value, TextMode::Glob, false, term); return true;
        case Key::Route:
        case Key::Consumer:
        case Key::Method:
        case Key::Host:
        case Key::Client: text(value, TextMode::Glob, true, term); return true;
        case Key::Id:
        case Key::Trace: text(value, TextMode::Prefix, true, term); return true;
        case Key::Target:
        case Key::Decision:
        case Key::Word: text(value, TextMode::Substring, true, term); return true;
        }
        return false;
    }

    static void text(const QString &value, TextMode mode, bool foldCase, Term *term)
    {
        if (mode == TextMode::Glob && !hasWildcard(value))
            mode = TextMode::Exact;
        term->mode = mode;
        term->foldCase = foldCase;
        // Folding is ASCII only, like the matcher's: UTF-8 bytes of other letters stay as typed.
        QByteArray bytes = value.toUtf8();
        if (foldCase) {
            for (char &c : bytes)
                c = c >= 'A' && c <= 'Z' ? char(c | 0x20) : c;
        }
        term->text = std::move(bytes);
    }

    bool status(QStringView value, Term *term)
    {
        const QString usage = QStringLiteral(
            "status must be a code (404), a class (4xx), a comparison (>=500) or a range "
            "(400-499)");
        if (value.size() == 3 && (value.endsWith(u"xx", Qt::CaseInsensitive))) {
            const int digit = value[0].digitValue();
            if (digit < 1 || digit > 5)
                return fail(QStringLiteral("status class must be 1xx..5xx"));
            term->low = digit * 100;
            term->high = digit * 100 + 99;
            return true;
        }
        const qsizetype dash = value.indexOf(u'-');
        if (dash > 0) {
            const auto low = statusCode(value.first(dash));
            const auto high = statusCode(value.sliced(dash + 1));
            if (!low || !high)
                return fail(usage);
            if (*low > *high)
                return fail(QStringLiteral("status range %1 is empty").arg(value));
            term->low = *low;
            term->high = *high;
            return true;
        }
        QStringView rest = value;
        const Op op = takeOp(rest);
        const auto code = statusCode(rest);
        if (!code)
            return fail(usage);
        // status:0 finds requests that got no answer; comparisons never do.
        rangeOf(op, *code, 1, &term->low, &term->high);
        return true;
    }

    static std::optional<int> statusCode(QStringView text)
    {
        bool ok = false;
        const int code = text.toInt(&ok);
        if (!ok || code < 0 || code > 999 || !isDigit(text[0]))
            return std::nullopt;
        return code;
    }

    bool latency(QStringView value, Term *term)
    {
        QStringView rest = value;
        const Op op = takeOp(rest);
        if (op == Op::None || op == Op::Equal)
            return fail(QStringLiteral("latency needs a comparison like >100ms, <2s or >=250us"));
        QString error;
        const auto micros = parseAmount(rest, kTimeUnits, 1000, &error);
        if (!micros)
            return fail(QStringLiteral("latency: %1").arg(error));
        rangeOf(op, *micros, 0, &term->low, &term->high);
        return true;
    }

    bool size(QStringView value, Term *term)
    {
        QStringView rest = value;
        const Op op = takeOp(rest);
        QString error;
        const auto bytes = parseAmount(rest, kSizeUnits, 1, &error);
        if (!bytes)
            return fail(QStringLiteral("size: %1").arg(error));
        rangeOf(op, *bytes, 0, &term->low, &term->high);
        return true;
    }

    bool fail(const QString &message)
    {
        m_errors.push_back({m_start, m_length, message});
        return false;
    }

    QStringView m_text;
    std::vector<Term> m_terms;
    std::vector<TrafficFilterError> m_errors;
    qsizetype m_start = 0; // the current term's range, for its errors
    qsizetype m_length = 0;
};

TrafficFilterParse TrafficFilter::parse(QStringView text)
{
    return TrafficFilterParser(text).run();
}

QStringList TrafficFilter::keys()
{
    QStringList names;
    for (QLatin1StringView name : kKeyNames)
        names << name;
    return names;
}

} // namespace portico
