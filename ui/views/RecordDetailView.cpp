#include "RecordDetailView.h"

#include "views/DecisionList.h"
#include "views/MessageView.h"
#include "views/PageHeader.h"
#include "views/TimingBar.h"

#include "http/HttpMessage.h"
#include "observe/CaptureText.h"

#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace portico {

namespace {

QString orDash(const QByteArray &bytes)
{
    return bytes.isEmpty() ? QStringLiteral("—") : captureText(bytes);
}

} // namespace

RecordDetailView::RecordDetailView(QWidget *parent)
    : QTabWidget(parent)
    , m_summary(new QFormLayout)
    , m_timing(new TimingBar)
    , m_decisions(new DecisionList)
    , m_request(new MessageView)
    , m_response(new MessageView)
{
    setDocumentMode(true);
    m_timing->setObjectName(QStringLiteral("timingBar"));
    m_decisions->setObjectName(QStringLiteral("decisions"));
    m_request->setObjectName(QStringLiteral("requestView"));
    m_response->setObjectName(QStringLiteral("responseView"));

    m_summary->setLabelAlignment(Qt::AlignRight);
    m_summary->setHorizontalSpacing(10);
    m_summary->setVerticalSpacing(3);
    for (const auto &[label, name] : {std::pair{tr("Request id"), "summaryId"},
                                      {tr("Trace id"), "summaryTrace"},
                                      {tr("Started"), "summaryStarted"},
                                      {tr("Client"), "summaryClient"},
                                      {tr("Route"), "summaryRoute"},
                                      {tr("Consumer"), "summaryConsumer"},
                                      {tr("API key"), "summaryKey"},
                                      {tr("Service"), "summaryService"},
                                      {tr("Upstream target"), "summaryTarget"},
                                      {tr("Upstream URL"), "summaryUrl"}})
        m_values.push_back(addSummaryRow(label, QLatin1String(name)));
    auto *summaryBox = new QWidget;
    summaryBox->setLayout(m_summary);
    auto *summaryScroll = new QScrollArea;
    summaryScroll->setWidget(summaryBox);
    summaryScroll->setWidgetResizable(true);
    summaryScroll->setFrameShape(QFrame::NoFrame);

    auto *right = new QVBoxLayout;
    right->setSpacing(4);
    right->addWidget(sectionTitle(tr("Timing")));
    right->addWidget(m_timing);
    right->addSpacing(6);
    right->addWidget(sectionTitle(tr("Decisions")));
    right->addWidget(m_decisions, 1);

    auto *overview = new QWidget;
    auto *overviewLayout = new QHBoxLayout(overview);
    overviewLayout->setContentsMargins(6, 6, 6, 6);
    overviewLayout->setSpacing(16);
    overviewLayout->addWidget(summaryScroll, 5);
    overviewLayout->addLayout(right, 6);

    addTab(overview, tr("Overview"));
    addTab(m_request, tr("Request"));
    addTab(m_response, tr("Response"));
    setRecord(nullptr);
}

QLabel *RecordDetailView::addSummaryRow(const QString &label, const QString &objectName)
{
    auto *value = new QLabel;
    value->setObjectName(objectName);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setTextFormat(Qt::PlainText);
    value->setWordWrap(true);
    value->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *name = new QLabel(label);
    name->setForegroundRole(QPalette::PlaceholderText);
    m_summary->addRow(name, value);
    return value;
}

void RecordDetailView::setNotCapturedNote(const QString &note)
{
    m_request->setNotCapturedNote(note);
    m_response->setNotCapturedNote(note);
    if (m_record)
        setRecord(m_record);
}

void RecordDetailView::setRecord(const CaptureRecordPtr &record)
{
    m_record = record;
    setEnabled(record != nullptr);
    static const CaptureRecord none;
    const CaptureRecord &r = record ? *record : none;
    showSummary(r);
    m_timing->setTimings(r.timings);
    m_decisions->setDecisions(r.decisions);
    const QString url = captureText(r.target);
    m_request->setMessage(
        {record ? QStringLiteral("%1 %2 %3")
                      .arg(QString::fromUtf8(r.method), url, QString::fromUtf8(r.httpVersion))
                : QString(),
         r.hasHeaders, &r.requestHeaders, &r.requestBody, r.requestBytes});
    QString statusLine;
    if (record)
        statusLine = r.status == 0 ? tr("(no response: the connection was lost first)")
                                   : QStringLiteral("%1 %2 %3")
                                         .arg(QString::fromUtf8(r.httpVersion))
                                         .arg(r.status)
                                         .arg(QString::fromUtf8(reasonPhrase(r.status)));
    m_response->setMessage(
        {statusLine, r.hasHeaders, &r.responseHeaders, &r.responseBody, r.responseBytes});
}

void RecordDetailView::showSummary(const CaptureRecord &r)
{
    const QString started = r.startedAtMs > 0
        ? QDateTime::fromMSecsSinceEpoch(r.startedAtMs).toString(Qt::ISODateWithMs)
        : QStringLiteral("—");
    const QString client = r.clientIp.isEmpty()
        ? QStringLiteral("—")
        : QStringLiteral("%1:%2").arg(captureText(r.clientIp)).arg(r.clientPort);
    const QString key = r.keyPrefix.isEmpty() ? QStringLiteral("—")
                                              : captureText(r.keyPrefix) + QStringLiteral("…");
    QString url = orDash(r.upstreamUrl);
    if (r.upstreamUrl.isEmpty() && !r.hasHeaders && !r.upstreamTarget.isEmpty())
        url = tr("— (kept with the headers, which were not captured)");
    const QString values[] = {orDash(r.id),
                              orDash(r.traceId),
                              started,
                              client,
                              orDash(r.route),
                              orDash(r.consumer),
                              key,
                              orDash(r.upstreamService),
                              r.upstreamTarget.isEmpty() ? tr("— (answered by the gateway)")
                                                         : captureText(r.upstreamTarget),
                              url};
    for (size_t i = 0; i < m_values.size(); ++i)
        m_values[i]->setText(values[i]);
}

QString RecordDetailView::summaryText() const
{
    QStringList lines;
    for (int row = 0; row < m_summary->rowCount(); ++row) {
        const auto *label =
            qobject_cast<QLabel *>(m_summary->itemAt(row, QFormLayout::LabelRole)->widget());
        const auto *value =
            qobject_cast<QLabel *>(m_summary->itemAt(row, QFormLayout::FieldRole)->widget());
        lines.append(label->text() + QStringLiteral(": ") + value->text());
    }
    return lines.join(u'\n');
}

} // namespace portico
