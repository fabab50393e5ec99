#include "MainWindow.h"

#include "models/RouteTableModel.h"
#include "views/TrafficChartView.h"

#include "config/Snapshot.h"
#include "net/GatewayEngine.h"

#include <QCloseEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace portico {

namespace {

QLabel *sectionTitle(const QString &text)
{
    auto *label = new QLabel(text);
    QFont f = label->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.1);
    label->setFont(f);
    return label;
}

QWidget *panel(QLabel *title, QWidget *content)
{
    auto *w = new QWidget;
    auto *layout = new QVBoxLayout(w);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addWidget(title);
    layout->addWidget(content, 1);
    return w;
}

QString dot(const char *color)
{
    return QStringLiteral("<span style=\"color:%1\">&#9679;</span>").arg(QLatin1String(color));
}

} // namespace

MainWindow::MainWindow(GatewayEngine *engine, QWidget *parent)
    : QMainWindow(parent)
    , m_engine(engine)
{
    Q_ASSERT(engine);
    setWindowTitle(QStringLiteral("Portico"));

    // Status line: engine state and where it listens.
    m_stateLabel = new QLabel;
    m_stateLabel->setObjectName(QStringLiteral("engineState"));
    m_listenersLabel = new QLabel;
    m_listenersLabel->setObjectName(QStringLiteral("listeners"));
    m_listenersLabel->setOpenExternalLinks(true);
    m_listenersLabel->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_listenersLabel->setWordWrap(true);
    auto *statusLine = new QFrame;
    statusLine->setFrameShape(QFrame::StyledPanel);
    auto *statusLayout = new QHBoxLayout(statusLine);
    statusLayout->addWidget(m_stateLabel);
    statusLayout->addSpacing(12);
    statusLayout->addWidget(m_listenersLabel, 1);

    m_routeModel = new RouteTableModel(this);
    m_routeView = new QTableView;
    m_routeView->setObjectName(QStringLiteral("routeTable"));
    m_routeView->setModel(m_routeModel);
    m_routeView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_routeView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_routeView->setAlternatingRowColors(true);
    m_routeView->setWordWrap(false);
    m_routeView->verticalHeader()->hide();
    // Targets carry the long text (canary weights); the other columns fit their contents.
    m_routeView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_routeView->horizontalHeader()->setSectionResizeMode(RouteTableModel::Targets,
                                                          QHeaderView::Stretch);
    m_routeView->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_routesTitle = sectionTitle(tr("Routes"));

    m_traffic = new TrafficChartView;
    m_traffic->setObjectName(QStringLiteral("traffic"));

    m_splitter = new QSplitter(Qt::Vertical);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(panel(m_routesTitle, m_routeView));
    m_splitter->addWidget(panel(sectionTitle(tr("Traffic")), m_traffic));
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(statusLine);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    // The engine may emit from its own threads; queue everything onto the GUI thread.
    connect(m_engine, &GatewayEngine::trafficUpdated, m_traffic, &TrafficChartView::addSample,
            Qt::QueuedConnection);
    connect(
        m_engine, &GatewayEngine::runningChanged, this,
        [this](bool running) {
            if (running) {
                m_startError.clear();
                m_traffic->clear(); // a new run counts from zero again
            }
            refresh();
        },
        Qt::QueuedConnection);
    connect(
        m_engine, &GatewayEngine::snapshotApplied, this, [this] { refresh(); },
        Qt::QueuedConnection);

    restoreLayout();
    refresh();
}

MainWindow::~MainWindow()
{
    saveLayout();
}

void MainWindow::setRequestedConfig(const Config &config)
{
    m_requested = config;
    m_haveRequested = true;
    refresh();
}

void MainWindow::setStartError(const QString &message)
{
    m_startError = message;
    refreshStatus();
}

void MainWindow::refresh()
{
    refreshStatus();
    refreshRoutes();
}

QString MainWindow::statusText() const
{
    return m_stateLabel->text() + u' ' + m_listenersLabel->text();
}

void MainWindow::setAdminInfo(const QString &adminUrl, const QString &storeDescription)
{
    m_adminUrl = adminUrl;
    m_storeDescription = storeDescription;
    refreshStatus();
}

void MainWindow::refreshStatus()
{
    if (m_engine->isRunning()) {
        m_stateLabel->setText(dot("#2e9d4f") + tr(" Running"));
        QStringList links;
        for (const QString &url : m_engine->listenerUrls())
            links.append(QStringLiteral("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped()));
        const int workers = m_engine->workerCount();
        const QString threads =
            workers == 1 ? tr("1 worker thread") : tr("%1 worker threads").arg(workers);
        QString text = tr("Listening on %1 &nbsp;·&nbsp; %2")
                           .arg(links.isEmpty() ? tr("(no listener)")
                                                : links.join(QStringLiteral(", ")),
                                threads);
        if (!m_adminUrl.isEmpty())
            text += tr(" &nbsp;·&nbsp; Admin API on <a href=\"%1/openapi.json\">%1</a>")
                        .arg(m_adminUrl.toHtmlEscaped());
        if (!m_storeDescription.isEmpty())
            text += tr(" &nbsp;·&nbsp; store: %1").arg(m_storeDescription.toHtmlEscaped());
        m_listenersLabel->setText(text);
    } else if (!m_startError.isEmpty()) {
        m_stateLabel->setText(dot("#c0392b") + tr(" Not running"));
        m_listenersLabel->setText(QStringLiteral("<span style=\"color:#c0392b\">%1</span>")
                                      .arg(m_startError.toHtmlEscaped()));
    } else {
        m_stateLabel->setText(dot("#888888") + tr(" Stopped"));
        m_listenersLabel->setText(QString());
    }
}

void MainWindow::refreshRoutes()
{
    // The running snapshot is the truth; the requested config stands in when nothing runs.
    const std::shared_ptr<const Snapshot> snapshot = m_engine->snapshot();
    const Config *config =
        snapshot ? &snapshot->config : (m_haveRequested ? &m_requested : nullptr);
    m_routeModel->setConfig(config ? *config : Config{});

    QString title = tr("Routes (%1)").arg(m_routeModel->rowCount());
    if (!snapshot && m_haveRequested)
        title += tr(" — configured, not running");
    m_routesTitle->setText(title);
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("MainWindow/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1200, 780);
    const QByteArray split = settings.value(QStringLiteral("MainWindow/splitter")).toByteArray();
    if (split.isEmpty() || !m_splitter->restoreState(split))
        m_splitter->setSizes({240, 460});
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("MainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("MainWindow/splitter"), m_splitter->saveState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace portico
