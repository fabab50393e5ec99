#include "TrafficFilter.h"

#include "CaptureRecord.h"

namespace portico {

namespace {

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c | 0x20) : c;
}

bool sameByte(char pattern, char c, bool foldCase)
{
    return pattern == (foldCase ? lower(c) : c);
}

// The index after the UTF-8 code point starting at i (a '?' stands for one character).
qsizetype nextCodePoint(QByteArrayView text, qsizetype i)
{
    ++i;
    while (i < text.size() && (uchar(text[i]) & 0xC0) == 0x80)
        ++i;
    return i;
}

// '*' stands for any run of characters ('/' included), '?' for one. Greedy with one
// backtrack point, so linear in practice and never allocating.
bool globMatches(QByteArrayView pattern, QByteArrayView text, bool foldCase)
{
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype starP = -1;
    qsizetype starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            starP = ++p;
            starT = t;
        } else if (p < pattern.size() && pattern[p] == '?') {
            ++p;
            t = nextCodePoint(text, t);
        } else if (p < pattern.size() && sameByte(pattern[p], text[t], foldCase)) {
            ++p;
            ++t;
        } else if (starP >= 0) {
            p = starP;
            starT = nextCodePoint(text, starT);
            t = starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

bool equalAt(QByteArrayView needle, QByteArrayView text, qsizetype at, bool foldCase)
{
    for (qsizetype i = 0; i < needle.size(); ++i) {
        if (!sameByte(needle[i], text[at + i], foldCase))
            return false;
    }
    return true;
}

bool contains(QByteArrayView text, QByteArrayView needle, bool foldCase)
{
    for (qsizetype at = 0; at + needle.size() <= text.size(); ++at) {
        if (equalAt(needle, text, at, foldCase))
            return true;
    }
    return false;
}

// The path of a request target: no query, and no scheme and authority in absolute form.
QByteArrayView pathOf(QByteArrayView target)
{
    if (!target.startsWith('/')) {
        const qsizetype scheme = target.indexOf("://");
        if (scheme >= 0) {
            const qsizetype slash = target.indexOf('/', scheme + 3);
            target = slash < 0 ? QByteArrayView() : target.sliced(slash);
        }
    }
    for (qsizetype i = 0; i < target.size(); ++i) {
        if (target[i] == '?' || target[i] == '#')
            return target.first(i);
    }
    return target;
}

// "api.example.test:8080" -> "api.example.test", "[::1]:80" -> "[::1]"; no port: empty.
QByteArrayView withoutPort(QByteArrayView host)
{
    const qsizetype colon = host.lastIndexOf(':');
    if (colon < 0 || host.indexOf(']') > colon
        || (!host.startsWith('[') && host.indexOf(':') != colon))
        return {};
    for (qsizetype i = colon + 1; i < host.size(); ++i) {
        if (host[i] < '0' || host[i] > '9')
            return {};
    }
    return host.first(colon);
}

} // namespace

bool TrafficFilter::matches(const CaptureRecord &record) const
{
    for (const Term &term : m_terms) {
        if (termMatches(term, record) == term.negated)
            return false;
    }
    return true;
}

bool TrafficFilter::termMatches(const Term &term, const CaptureRecord &record) const
{
    const auto text = [&term](QByteArrayView field) {
        if (term.text.isEmpty())
            return field.isEmpty(); // a quoted "" asks for an empty field
        switch (term.mode) {
        case TextMode::Exact:
            return field.size() == term.text.size() && equalAt(term.text, field, 0, term.foldCase);
        case TextMode::Glob: return globMatches(term.text, field, term.foldCase);
        case TextMode::Prefix:
            return field.size() >= term.text.size() && equalAt(term.text, field, 0, term.foldCase);
        case TextMode::Substring: return contains(field, term.text, term.foldCase);
        }
        return false;
    };
    const auto inRange = [&term](qint64 value) { return value >= term.low && value <= term.high; };

    switch (term.key) {
    case Key::Status: return inRange(record.status);
    case Key::Route: return text(record.route);
    case Key::Consumer: return text(record.consumer);
    case Key::Method: return text(record.method);
    case Key::Path: return text(pathOf(record.target));
    case Key::Host: {
        if (text(record.host))
            return true;
        const QByteArrayView name = withoutPort(record.host);
        return !name.isEmpty() && text(name);
    }
    case Key::Latency: return record.timings.totalUs >= 0 && inRange(record.timings.totalUs);
    case Key::Size: return inRange(record.responseBytes);
    case Key::Client: return text(record.clientIp);
    case Key::Id: return text(record.id);
    case Key::Trace: return text(record.traceId);
    case Key::Target: return text(record.upstreamTarget);
    case Key::Decision:
        if (term.text.isEmpty())
            return record.decisions.empty();
        for (const auto &[stage, decision] : record.decisions) {
            if (text(stage) || text(decision))
                return true;
        }
        return false;
    case Key::Word:
        for (const QByteArray *field :
             {&record.method, &record.host, &record.target, &record.route, &record.consumer}) {
            if (text(*field))
                return true;
        }
        return false;
    }
    return false;
}

} // namespace portico
