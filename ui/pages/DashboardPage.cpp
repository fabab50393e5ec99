#include "DashboardPage.h"

#include "views/PageHeader.h"
#include "views/TrafficChartView.h"

#include "net/GatewayEngine.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace portico {

namespace {

QString dot(const char *color)
{
    return QStringLiteral("<span style=\"color:%1\">&#9679;</span>").arg(QLatin1String(color));
}

} // namespace

DashboardPage::DashboardPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_state(new QLabel)
    , m_listeners(new QLabel)
    , m_traffic(new TrafficChartView)
{
    m_state->setObjectName(QStringLiteral("engineState"));
    m_listeners->setObjectName(QStringLiteral("listeners"));
    m_listeners->setOpenExternalLinks(true);
    m_listeners->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_listeners->setWordWrap(true);
    m_traffic->setObjectName(QStringLiteral("traffic"));

    auto *stateBox = new QFrame;
    stateBox->setFrameShape(QFrame::StyledPanel);
    auto *stateLayout = new QHBoxLayout(stateBox);
    stateLayout->addWidget(m_state);
    stateLayout->addSpacing(12);
    stateLayout->addWidget(m_listeners, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new PageHeader(tr("Dashboard"), tr("What the gateway is doing now.")));
    layout->addWidget(stateBox);
    layout->addWidget(m_traffic, 1);

    connect(m_room.engine, &GatewayEngine::trafficUpdated, m_traffic,
            &TrafficChartView::addSample, Qt::QueuedConnection);
    connect(
        m_room.engine, &GatewayEngine::runningChanged, this,
        [this](bool running) {
            if (running) {
                m_startError.clear();
                m_traffic->clear(); // a new run counts from zero again
            }
            refreshState();
        },
        Qt::QueuedConnection);
    refreshState();
}

void DashboardPage::setStartError(const QString &message)
{
    m_startError = message;
    refreshState();
}

void DashboardPage::setStoreDescription(const QString &description)
{
    m_storeDescription = description;
    refreshState();
}

QString DashboardPage::stateText() const
{
    QString text = m_state->text() + QStringLiteral(" · ") + m_listeners->text();
    text.remove(QRegularExpression(QStringLiteral("<[^>]*>")));
    text.replace(QStringLiteral("&nbsp;"), QStringLiteral(" "));
    text.remove(QStringLiteral("&#9679;"));
    return text.simplified();
}

void DashboardPage::refreshState()
{
    GatewayEngine *engine = m_room.engine;
    if (engine->isRunning()) {
        m_state->setText(dot("#2e9d4f") + tr(" Running"));
        QStringList links;
        for (const QString &url : engine->listenerUrls())
            links.append(QStringLiteral("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped()));
        const int workers = engine->workerCount();
        const QString threads =
            workers == 1 ? tr("1 worker thread") : tr("%1 worker threads").arg(workers);
        QString text = tr("Listening on %1 &nbsp;·&nbsp; %2")
                           .arg(links.isEmpty() ? tr("(no listener)")
                                                : links.join(QStringLiteral(", ")),
                                threads);
        if (!m_room.adminUrl.isEmpty())
            text += tr(" &nbsp;·&nbsp; Admin API on <a href=\"%1/openapi.json\">%1</a>")
                        .arg(m_room.adminUrl.toHtmlEscaped());
        if (!m_storeDescription.isEmpty())
            text += tr(" &nbsp;·&nbsp; store: %1").arg(m_storeDescription.toHtmlEscaped());
        m_listeners->setText(text);
    } else if (!m_startError.isEmpty()) {
        m_state->setText(dot("#c0392b") + tr(" Not running"));
        m_listeners->setText(QStringLiteral("<span style=\"color:#c0392b\">%1</span>")
                                 .arg(m_startError.toHtmlEscaped()));
    } else {
        m_state->setText(dot("#888888") + tr(" Stopped"));
        m_listeners->setText(QString());
    }
}

} // namespace portico
