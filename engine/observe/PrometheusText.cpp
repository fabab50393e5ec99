#include "PrometheusText.h"

#include <charconv>
#include <cmath>

namespace portico {

namespace {

const char *typeName(PrometheusText::Type type)
{
    switch (type) {
    case PrometheusText::Type::Counter: return "counter";
    case PrometheusText::Type::Gauge: return "gauge";
    case PrometheusText::Type::Histogram: return "histogram";
    }
    return "untyped";
}

bool isNameChar(char c, bool first, bool colon)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':')
        || (!first && c >= '0' && c <= '9');
}

bool isName(QByteArrayView name, bool colon)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        if (!isNameChar(name[i], i == 0, colon))
            return false;
    }
    return true;
}

} // namespace

void PrometheusText::family(QByteArrayView name, Type type, QByteArrayView help)
{
    Q_ASSERT(isMetricName(name));
    const QByteArray key = name.toByteArray();
    const auto found = m_familyByName.constFind(key);
    if (found != m_familyByName.constEnd()) {
        m_current = *found;
        Q_ASSERT(m_families[size_t(m_current)].type == type);
        return;
    }
    m_current = int(m_families.size());
    m_familyByName.insert(key, m_current);
    Family f{key, type, {}};
    f.lines += "# HELP " + key + ' ' + escapeHelp(help) + '\n';
    f.lines += "# TYPE " + key + ' ' + typeName(type) + '\n';
    m_families.push_back(std::move(f));
}

void PrometheusText::appendSeries(QByteArrayView suffix, Labels labels, const Label *extra)
{
    QByteArray &out = m_families[size_t(m_current)].lines;
    out += m_families[size_t(m_current)].name;
    out += suffix;
    if (labels.size() == 0 && !extra)
        return;
    char separator = '{';
    const auto put = [&out, &separator](const Label &label) {
        Q_ASSERT(isLabelName(label.name));
        out += separator;
        out += label.name;
        out += "=\"";
        out += escapeLabelValue(label.value);
        out += '"';
        separator = ',';
    };
    for (const Label &label : labels)
        put(label);
    if (extra)
        put(*extra);
    out += '}';
}

void PrometheusText::sample(Labels labels, quint64 value)
{
    appendSample(labels, QByteArray::number(value));
}

void PrometheusText::sample(Labels labels, double value)
{
    appendSample(labels, formatValue(value));
}

void PrometheusText::appendSample(Labels labels, const QByteArray &value)
{
    Q_ASSERT(m_current >= 0 && m_families[size_t(m_current)].type != Type::Histogram);
    if (m_current < 0)
        return;
    appendSeries({}, labels);
    QByteArray &out = m_families[size_t(m_current)].lines;
    out += ' ';
    out += value;
    out += '\n';
}

void PrometheusText::histogram(Labels labels, std::span<const double> bounds,
                               std::span<const quint64> counts, double sum)
{
    Q_ASSERT(m_current >= 0 && m_families[size_t(m_current)].type == Type::Histogram);
    Q_ASSERT(counts.size() == bounds.size() + 1);
    if (m_current < 0 || counts.size() != bounds.size() + 1)
        return;
    quint64 cumulative = 0;
    for (size_t i = 0; i <= bounds.size(); ++i) {
        cumulative += counts[i];
        const QByteArray le = i < bounds.size() ? formatValue(bounds[i]) : QByteArray("+Inf");
        const Label bound{"le", le};
        appendSeries("_bucket", labels, &bound);
        m_families[size_t(m_current)].lines += ' ' + QByteArray::number(cumulative) + '\n';
    }
    appendSeries("_sum", labels);
    m_families[size_t(m_current)].lines += ' ' + formatValue(sum) + '\n';
    appendSeries("_count", labels);
    m_families[size_t(m_current)].lines += ' ' + QByteArray::number(cumulative) + '\n';
}

QByteArray PrometheusText::text() const
{
    qsizetype size = 0;
    for (const Family &f : m_families)
        size += f.lines.size();
    QByteArray out;
    out.reserve(size);
    for (const Family &f : m_families)
        out += f.lines;
    return out;
}

QByteArray PrometheusText::escapeLabelValue(QByteArrayView value)
{
    QByteArray out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
    return out;
}

QByteArray PrometheusText::escapeHelp(QByteArrayView help)
{
    QByteArray out;
    out.reserve(help.size());
    for (char c : help) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
    return out;
}

QByteArray PrometheusText::formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    char buffer[32];
    const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return QByteArray(buffer, qsizetype(result.ptr - buffer));
}

bool PrometheusText::isMetricName(QByteArrayView name)
{
    return isName(name, true);
}

bool PrometheusText::isLabelName(QByteArrayView name)
{
    return isName(name, false);
}

} // namespace portico
