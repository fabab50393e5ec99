#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>
#include <vector>

namespace portico {

struct CaptureRecord;
struct TrafficFilterParse;

// A term of a filter expression that the parser refused: where it is in the text (QString
// indexes, UTF-16 units, so a line edit can underline it) and why.
struct TrafficFilterError
{
    qsizetype start = 0;
    qsizetype length = 0;
    QString message;
    friend bool operator==(const TrafficFilterError &, const TrafficFilterError &) = default;
};

// The Traffic page's filter: `status:4xx route:users -method:GET latency:>100ms path:/u/*`.
// Terms are separated by spaces and must all match; docs/desktop.md ("Traffic filter") has the
// syntax. Compiled once per edit, then run over every captured record per keystroke, so
// matches() only compares bytes and numbers: it never allocates.
class TrafficFilter
{
public:
    // The filter, or every term it could not read. Empty text gives a filter matching all.
    static TrafficFilterParse parse(QStringView text);
    // The keys a term may name, in the order error messages list them.
    static QStringList keys();

    bool matches(const CaptureRecord &record) const;
    bool isEmpty() const { return m_terms.empty(); }

private:
    enum class Key : quint8 {
        Status,
        Route,
        Consumer,
        Method,
        Path,
        Host,
        Latency,
        Size,
        Client,
        Id,
        Trace,
        Target,
        Decision,
        Word, // a bare word: no key
    };
    enum class TextMode : quint8 { Exact, Glob, Prefix, Substring };
    struct Term
    {
        Key key = Key::Word;
        bool negated = false;
        TextMode mode = TextMode::Exact;
        bool foldCase = true; // ASCII case-insensitive; text is then lowercase
        QByteArray text;      // UTF-8; empty (only when quoted): the field must be empty
        qint64 low = 0;       // numeric keys: the inclusive range that matches
        qint64 high = 0;
    };
    friend class TrafficFilterParser;

    bool termMatches(const Term &term, const CaptureRecord &record) const;

    std::vector<Term> m_terms;
};

struct TrafficFilterParse
{
    std::optional<TrafficFilter> filter; // set when errors is empty
    std::vector<TrafficFilterError> errors;
    bool ok() const { return errors.empty(); }
};

} // namespace portico
