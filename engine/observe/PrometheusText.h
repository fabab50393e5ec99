#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QtGlobal>

#include <initializer_list>
#include <span>
#include <vector>

namespace portico {

// Writes the Prometheus text exposition format, version 0.0.4: metric families, each with one
// HELP and one TYPE line followed by all of its samples, label values escaped.
//
// Samples go to the family named last. A family named again (even after others) takes more
// samples under its first HELP and TYPE: each family's lines are kept apart and joined in the
// order the families were first named, so a family's samples always form one group, as the
// format requires, however the caller interleaves them.
class PrometheusText
{
public:
    enum class Type { Counter, Gauge, Histogram };
    struct Label
    {
        QByteArrayView name;
        QByteArrayView value; // UTF-8, escaped when written
    };
    using Labels = std::initializer_list<Label>;

    // Names the family the next samples belong to. Its HELP and TYPE are written the first
    // time only; naming it again with another type is a bug (asserted; the first type stays).
    void family(QByteArrayView name, Type type, QByteArrayView help);

    // One sample of the current counter or gauge family.
    void sample(Labels labels, quint64 value);
    void sample(Labels labels, double value);
    // One series of the current histogram family: `counts[i]` values at most `bounds[i]` and
    // above the bound before (not cumulative), and one more count for values above the last
    // bound. Written as cumulative _bucket lines ending with le="+Inf", then _sum and _count
    // (equal to the +Inf bucket).
    void histogram(Labels labels, std::span<const double> bounds, std::span<const quint64> counts,
                   double sum);

    // Everything written so far, families in the order they were first named.
    QByteArray text() const;

    // A label value with backslash, double quote and newline escaped.
    static QByteArray escapeLabelValue(QByteArrayView value);
    // HELP text with backslash and newline escaped.
    static QByteArray escapeHelp(QByteArrayView help);
    // The shortest text that reads back as `value`; +Inf, -Inf and NaN as Prometheus spells them.
    static QByteArray formatValue(double value);
    // [a-zA-Z_:][a-zA-Z0-9_:]* for metric names; label names may not contain ':'.
    static bool isMetricName(QByteArrayView name);
    static bool isLabelName(QByteArrayView name);

private:
    struct Family
    {
        QByteArray name;
        Type type = Type::Counter;
        QByteArray lines; // HELP, TYPE, then the samples
    };

    // Appends `name{labels,extra}` (no braces when there are no labels) to the current family.
    void appendSeries(QByteArrayView suffix, Labels labels, const Label *extra = nullptr);
    // A sample line of the current (counter or gauge) family: `name{labels} value`.
    void appendSample(Labels labels, const QByteArray &value);

    std::vector<Family> m_families;
    QHash<QByteArray, int> m_familyByName;
    int m_current = -1;
};

} // namespace portico
