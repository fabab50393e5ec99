#include "DashboardPage.h"

#include "models/TopTrafficModel.h"
#include "views/PageHeader.h"
#include "views/StatusColors.h"
#include "views/StatusText.h"
#include "views/TrafficChartView.h"

#include "config/ConfigService.h"
#include "net/GatewayEngine.h"

#include <QComboBox>
#include <QHeaderView>
#include <QTableView>

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace portico {

DashboardPage::DashboardPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_state(new QLabel)
    , m_listeners(new QLabel)
    , m_traffic(new TrafficChartView)
    , m_range(new QComboBox)
    , m_topRoutes(new TopTrafficModel(TopTrafficModel::Kind::Routes, 5, this))
    , m_topConsumers(new TopTrafficModel(TopTrafficModel::Kind::Consumers, 5, this))
    , m_emptyHint(new QLabel)
{
    m_state->setObjectName(QStringLiteral("engineState"));
    m_listeners->setObjectName(QStringLiteral("listeners"));
    m_listeners->setOpenExternalLinks(true);
    m_listeners->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_listeners->setWordWrap(true);
    m_traffic->setObjectName(QStringLiteral("traffic"));
    m_range->setObjectName(QStringLiteral("range"));
    m_range->addItem(tr("Last minute"), 60'000);
    m_range->addItem(tr("Last 5 minutes"), 5 * 60'000);
    m_range->addItem(tr("Last 15 minutes"), 15 * 60'000);
    m_range->setCurrentIndex(1);
    connect(m_range, &QComboBox::currentIndexChanged, this,
            [this] { m_traffic->setSpanMs(m_range->currentData().toLongLong()); });
    m_emptyHint->setObjectName(QStringLiteral("emptyHint"));
    m_emptyHint->setText(tr("No routes yet: add one on the <b>Routes</b> page (Ctrl+3), or "
                            "import a configuration (File ▸ Import, Ctrl+I). Start with "
                            "<code>--demo</code> to try the demo services."));
    m_emptyHint->setWordWrap(true);

    auto *header = new PageHeader(tr("Dashboard"), tr("What the gateway is doing now."));
    header->addWidget(m_range);

    auto *stateBox = new QFrame;
    stateBox->setFrameShape(QFrame::StyledPanel);
    auto *stateLayout = new QHBoxLayout(stateBox);
    stateLayout->addWidget(m_state);
    stateLayout->addSpacing(12);
    stateLayout->addWidget(m_listeners, 1);

    auto *tops = new QHBoxLayout;
    tops->addWidget(topTable(m_topRoutes, QStringLiteral("topRoutes")));
    tops->addWidget(topTable(m_topConsumers, QStringLiteral("topConsumers")));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(header);
    layout->addWidget(stateBox);
    layout->addWidget(m_emptyHint);
    layout->addWidget(m_traffic, 1);
    layout->addLayout(tops);

    connect(m_room.engine, &GatewayEngine::trafficUpdated, this, &DashboardPage::onSample,
            Qt::QueuedConnection);
    connect(
        m_room.engine, &GatewayEngine::runningChanged, this,
        [this](bool running) {
            if (running) {
                m_startError.clear();
                m_traffic->clear(); // a new run counts from zero again
                m_topRoutes->clear();
                m_topConsumers->clear();
            }
            refreshState();
        },
        Qt::QueuedConnection);
    connect(m_room.config, &ConfigService::configChanged, this, &DashboardPage::refreshState);
    refreshState();
}

QTableView *DashboardPage::topTable(TopTrafficModel *model, const QString &name)
{
    auto *view = new QTableView;
    view->setObjectName(name);
    view->setModel(model);
    view->verticalHeader()->hide();
    view->setSelectionMode(QAbstractItemView::NoSelection);
    view->setFocusPolicy(Qt::NoFocus);
    view->setShowGrid(false);
    view->setAlternatingRowColors(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setSectionResizeMode(TopTrafficModel::Detail,
                                                   QHeaderView::Stretch);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // Five rows and the header, no scrolling.
    const int rowHeight = view->verticalHeader()->defaultSectionSize();
    view->setFixedHeight(view->horizontalHeader()->sizeHint().height() + 5 * rowHeight + 4);
    return view;
}

void DashboardPage::onSample(const TrafficSample &sample)
{
    m_traffic->addSample(sample);
    m_topRoutes->setSample(sample);
    m_topConsumers->setSample(sample);
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
    return plainText(m_state->text() + QStringLiteral(" · ") + m_listeners->text());
}

void DashboardPage::refreshState()
{
    m_emptyHint->setVisible(m_room.config->config().routes.empty());
    GatewayEngine *engine = m_room.engine;
    if (engine->isRunning()) {
        m_state->setText(engineStateHtml(EngineState::Running));
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
        m_state->setText(engineStateHtml(EngineState::Failed));
        m_listeners->setText(QStringLiteral("<span style=\"color:%1\">%2</span>")
                                 .arg(errorColor(palette()).name(), m_startError.toHtmlEscaped()));
    } else {
        m_state->setText(engineStateHtml(EngineState::Stopped));
        m_listeners->setText(QString());
    }
}

} // namespace portico
