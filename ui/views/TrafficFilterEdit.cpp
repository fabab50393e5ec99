#include "TrafficFilterEdit.h"

#include "views/FieldErrorLabel.h"
#include "views/StatusColors.h"

#include <QCoreApplication>
#include <QInputMethodEvent>
#include <QLineEdit>
#include <QTextCharFormat>
#include <QVBoxLayout>

namespace portico {

namespace {

// QLineEdit has no API for formatting parts of its text; an input method event with no
// pre-edit text and only format attributes is the documented way to set them.
void setUnderlines(QLineEdit *edit, const std::vector<TrafficFilterError> &errors,
                   const QColor &color)
{
    QList<QInputMethodEvent::Attribute> attributes;
    QTextCharFormat format;
    format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    format.setUnderlineColor(color);
    for (const TrafficFilterError &e : errors) {
        const int length = std::max<int>(1, int(e.length));
        attributes.append(
            {QInputMethodEvent::TextFormat, int(e.start) - edit->cursorPosition(), length, format});
    }
    QInputMethodEvent event(QString(), attributes);
    QCoreApplication::sendEvent(edit, &event);
}

} // namespace

TrafficFilterEdit::TrafficFilterEdit(QWidget *parent)
    : QWidget(parent)
    , m_edit(new QLineEdit)
    , m_error(new FieldErrorLabel(QStringLiteral("trafficFilterError")))
{
    m_edit->setObjectName(QStringLiteral("trafficFilter"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setPlaceholderText(
        tr("Filter: status:4xx route:users consumer:mobile-app latency:>100ms path:/users/* "
           "-method:GET"));
    m_edit->setToolTip(tr("Terms separated by spaces, all must match: status, route, "
                          "consumer, method, path, host, latency, size, client, id, trace, "
                          "target, decision, or a bare word. -term negates. "
                          "docs/desktop.md has the syntax."));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &TrafficFilterEdit::applyNow);
    connect(m_edit, &QLineEdit::textChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_edit, &QLineEdit::returnPressed, this, &TrafficFilterEdit::applyNow);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_edit);
    layout->addWidget(m_error);
}

QString TrafficFilterEdit::errorText() const
{
    return m_error->text();
}

void TrafficFilterEdit::applyNow()
{
    m_debounce.stop();
    const QString text = m_edit->text();
    TrafficFilterParse parsed = TrafficFilter::parse(text);
    if (!parsed.ok()) {
        showErrors(parsed.errors);
        return;
    }
    showErrors({});
    if (text.trimmed() == m_appliedText && m_valid)
        return;
    m_appliedText = text.trimmed();
    m_filter = *parsed.filter;
    Q_EMIT filterChanged(m_filter);
}

void TrafficFilterEdit::showErrors(const std::vector<TrafficFilterError> &errors)
{
    const bool wasValid = m_valid;
    m_valid = errors.empty();
    const QColor red = errorColor(palette());
    setUnderlines(m_edit, errors, red);
    if (m_valid != wasValid)
        m_edit->setStyleSheet(m_valid ? QString()
                                      : QStringLiteral("QLineEdit { border: 1px solid %1;"
                                                       " border-radius: 3px; padding: 2px 4px; }")
                                            .arg(red.name()));
    QStringList lines;
    for (const TrafficFilterError &e : errors) {
        const QString term = m_edit->text().mid(e.start, e.length);
        lines.append(term.isEmpty() ? e.message
                                    : QStringLiteral("\u201c%1\u201d: %2").arg(term, e.message));
    }
    if (!lines.isEmpty())
        lines.last() += tr(" (the previous filter stays applied)");
    m_error->setMessage(lines.join(u'\n'));
}

} // namespace portico
