#include "VerdictView.h"

#include "views/PageHeader.h"
#include "views/StatusColors.h"

#include "http/Serializer.h"
#include "routing/RouteTester.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace portico {

namespace {

QString wire(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes).replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
}

QColor outcomeColor(RouteVerdict::Outcome outcome, const QPalette &palette)
{
    switch (outcome) {
    case RouteVerdict::Outcome::Forwarded: return okColor(palette);
    case RouteVerdict::Outcome::Undecided: return warningColor(palette);
    default: return errorColor(palette);
    }
}

QLabel *factLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

VerdictView::VerdictView(QWidget *parent)
    : QWidget(parent)
    , m_outcome(factLabel(QStringLiteral("outcome")))
    , m_facts(new QFormLayout)
    , m_route(factLabel(QStringLiteral("verdictRoute")))
    , m_consumer(factLabel(QStringLiteral("verdictConsumer")))
    , m_target(factLabel(QStringLiteral("verdictTarget")))
    , m_decisions(new QTreeWidget)
    , m_headTitle(sectionTitle(QString()))
    , m_head(new QPlainTextEdit)
{
    QFont bold = m_outcome->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    m_outcome->setFont(bold);

    m_facts->setContentsMargins(0, 0, 0, 0);
    m_facts->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_facts->addRow(tr("Route:"), m_route);
    m_facts->addRow(tr("Consumer:"), m_consumer);
    m_facts->addRow(tr("Target:"), m_target);

    m_decisions->setObjectName(QStringLiteral("decisions"));
    m_decisions->setColumnCount(2);
    m_decisions->setHeaderLabels({tr("Stage"), tr("Decision")});
    m_decisions->setRootIsDecorated(false);
    m_decisions->setSelectionMode(QAbstractItemView::NoSelection);
    m_decisions->setFocusPolicy(Qt::NoFocus);
    m_decisions->header()->setStretchLastSection(true);
    m_decisions->setColumnWidth(0, fontMetrics().horizontalAdvance(u'M') * 9);
    // Room for the usual chain (route, auth, credential, acl, rate limit, upstream, reply);
    // the request head below takes the rest.
    m_decisions->setFixedHeight(fontMetrics().lineSpacing() * 9);

    m_head->setObjectName(QStringLiteral("verdictHead"));
    m_head->setReadOnly(true);
    m_head->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_head->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_head->setMinimumHeight(fontMetrics().lineSpacing() * 8);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_outcome);
    layout->addLayout(m_facts);
    layout->addWidget(sectionTitle(tr("Decisions, in order")));
    layout->addWidget(m_decisions);
    layout->addWidget(m_headTitle);
    layout->addWidget(m_head, 1);
    showMessage(tr("Compose a request and press Test (Ctrl+Return)."));
}

void VerdictView::setRow(QLabel *label, const QString &text)
{
    label->setText(text);
    m_facts->setRowVisible(label, !text.isEmpty());
}

void VerdictView::showMessage(const QString &message)
{
    m_outcome->setText(message);
    setTextColor(m_outcome, QColor());
    for (QLabel *label : {m_route, m_consumer, m_target})
        setRow(label, QString());
    m_decisions->clear();
    m_headTitle->setText(tr("Request sent to the service"));
    m_head->clear();
}

void VerdictView::showVerdict(const RouteVerdict &verdict)
{
    using Outcome = RouteVerdict::Outcome;
    m_outcome->setText(verdict.summary());
    setTextColor(m_outcome, outcomeColor(verdict.outcome, palette()));

    const bool ran =
        verdict.outcome != Outcome::InvalidConfig && verdict.outcome != Outcome::InvalidRequest;
    QString route;
    if (!verdict.route.isEmpty())
        route = verdict.route;
    else if (!verdict.noMatch.isEmpty())
        route = tr("none: %1").arg(verdict.noMatch);
    setRow(m_route, ran ? route : QString());
    setRow(m_consumer, verdict.consumer);
    QString target = verdict.target;
    if (!verdict.targetNote.isEmpty())
        target += QStringLiteral(" (%1)").arg(verdict.targetNote);
    setRow(m_target, target);

    m_decisions->clear();
    for (const auto &[stage, decision] : verdict.decisions)
        new QTreeWidgetItem(m_decisions, {QString::fromUtf8(stage), QString::fromUtf8(decision)});

    QByteArray head;
    switch (verdict.outcome) {
    case Outcome::Forwarded:
        m_headTitle->setText(tr("Request sent to %1").arg(verdict.target));
        appendRequestHead(head, verdict.upstreamHead);
        if (!verdict.responseFields.isEmpty()) {
            head += "\r\n# Added to the service's answer:\r\n";
            appendHeaders(head, verdict.responseFields);
        }
        m_head->setPlainText(wire(head));
        break;
    case Outcome::Refused:
        m_headTitle->setText(tr("Answer the client gets"));
        appendResponseHead(head, verdict.reply);
        m_head->setPlainText(wire(head + verdict.replyBody));
        break;
    case Outcome::InvalidConfig: {
        m_headTitle->setText(tr("Configuration errors"));
        QStringList lines;
        for (const ConfigError &e : verdict.configErrors)
            lines << e.toString();
        m_head->setPlainText(lines.join(u'\n'));
        break;
    }
    case Outcome::Undecided:
        m_headTitle->setText(tr("Request sent to the service"));
        m_head->setPlainText(tr("Not known yet: the answer depends on what the gateway would "
                                "fetch first (see the last decision)."));
        break;
    case Outcome::InvalidRequest:
        m_headTitle->setText(tr("Request sent to the service"));
        m_head->clear();
        break;
    }
}

QString VerdictView::outcomeText() const
{
    return m_outcome->text();
}

QString VerdictView::routeText() const
{
    return m_route->text();
}

QString VerdictView::headText() const
{
    return m_head->toPlainText();
}

} // namespace portico
