#include "MainWindow.h"

#include "HistoryNavigator.h"
#include "TransferActions.h"
#include "dialogs/RouteTesterDialog.h"
#include "pages/CertificatesPage.h"
#include "pages/ConsumersPage.h"
#include "pages/DashboardPage.h"
#include "pages/PlansPage.h"
#include "pages/RoutesPage.h"
#include "pages/ServicesPage.h"
#include "pages/SettingsPage.h"
#include "pages/TrafficPage.h"
#include "views/StatusText.h"

#include "config/ConfigService.h"
#include "net/GatewayEngine.h"
#include "observe/CaptureText.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QUrl>

// Icons come from portico_resources, a static library: its resources need registering.
static void registerResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace portico {

namespace {

// A page's object name is this and its name ("page-traffic"); the name is what the layout saves.
constexpr QLatin1String kPagePrefix("page-");

// The page's icon, and for the selected page the same shape in the selection's text colour:
// the icons' own blue would vanish on the selection's blue.
QIcon navigationIcon(const char *name)
{
    const QIcon drawn = portIcon(name);
    const QColor selectedText = QApplication::palette().color(QPalette::HighlightedText);
    QIcon icon; // of pixmaps: an SVG icon would tint its selected state with the selection blue
    for (const int side : {22, 44}) {
        const QPixmap normal = drawn.pixmap(side, side);
        QPixmap tinted = normal;
        QPainter painter(&tinted);
        painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
        painter.fillRect(tinted.rect(), selectedText);
        painter.end();
        icon.addPixmap(normal, QIcon::Normal);
        icon.addPixmap(tinted, QIcon::Selected);
    }
    return icon;
}

} // namespace

MainWindow::MainWindow(ControlRoom room, QWidget *parent)
    : QMainWindow(parent)
    , m_room(room)
{
    Q_ASSERT(room.engine && room.config);
    registerResources();
    setWindowTitle(QStringLiteral("Portico"));

    m_navigation = new QListWidget;
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setIconSize(QSize(22, 22));
    m_navigation->setSpacing(2);
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setFixedWidth(168);
    m_navigation->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // The list's own background, not the base colour: it reads as a sidebar in both themes.
    m_navigation->setStyleSheet(
        QStringLiteral("QListWidget { background: palette(window); padding-top: 8px; }"
                       "QListWidget::item { padding: 7px 6px; border-radius: 5px; }"
                       "QListWidget::item:selected { background: palette(highlight);"
                       " color: palette(highlighted-text); }"));
    m_pages = new QStackedWidget;

    m_history = new HistoryNavigator(room.config, this);
    m_dashboard = new DashboardPage(room);
    addPage(Page::Dashboard, "dashboard", tr("Dashboard"), m_dashboard);
    m_traffic = new TrafficPage(room);
    addPage(Page::Traffic, "traffic", tr("Traffic"), m_traffic);
    connect(m_traffic, &TrafficPage::testRequestRequested, this, &MainWindow::testTrafficRequest);
    addPage(Page::Routes, "routes", tr("Routes"), new RoutesPage(room));
    addPage(Page::Services, "services", tr("Services"), new ServicesPage(room));
    addPage(Page::Consumers, "consumers", tr("Consumers"), new ConsumersPage(room));
    addPage(Page::Plans, "plans", tr("Plans"), new PlansPage(room));
    addPage(Page::Certificates, "certificates", tr("Certificates"), new CertificatesPage(room));
    addPage(Page::Settings, "settings", tr("Settings"), new SettingsPage(room));
    connect(m_navigation, &QListWidget::currentRowChanged, m_pages,
            &QStackedWidget::setCurrentIndex);
    m_navigation->setCurrentRow(0);

    auto *central = new QWidget;
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_stateLabel = new QLabel;
    m_stateLabel->setObjectName(QStringLiteral("engineState"));
    m_rateLabel = new QLabel;
    m_rateLabel->setObjectName(QStringLiteral("requestRate"));
    m_revisionLabel = new QLabel;
    m_revisionLabel->setObjectName(QStringLiteral("configRevision"));
    statusBar()->addWidget(m_stateLabel);
    statusBar()->addPermanentWidget(m_rateLabel);
    statusBar()->addPermanentWidget(m_revisionLabel);

    m_transfer = new TransferActions(room, this);
    createMenus();

    // The engine may emit from its own threads; queue everything onto the GUI thread.
    connect(
        room.engine, &GatewayEngine::trafficUpdated, this,
        [this](const TrafficSample &sample) {
            m_requestsPerSecond = sample.requestsPerSecond;
            refreshStatus();
        },
        Qt::QueuedConnection);
    connect(
        room.engine, &GatewayEngine::runningChanged, this,
        [this](bool running) {
            if (running)
                m_startError.clear();
            m_requestsPerSecond = 0;
            refreshStatus();
        },
        Qt::QueuedConnection);
    connect(room.config, &ConfigService::configChanged, this, &MainWindow::refreshStatus);
    connect(m_history, &HistoryNavigator::failed, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    connect(m_transfer, &TransferActions::message, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });

    restoreLayout();
    refreshStatus();
}

MainWindow::~MainWindow()
{
    saveLayout();
}

void MainWindow::addPage(Page page, const char *icon, const QString &title, QWidget *widget)
{
    Q_ASSERT(int(page) == m_pages->count());
    widget->setObjectName(kPagePrefix + QLatin1String(icon));
    auto *item = new QListWidgetItem(navigationIcon(icon), title, m_navigation);
    item->setToolTip(tr("%1 (Ctrl+%2)").arg(title).arg(int(page) + 1));
    m_pages->addWidget(widget);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_transfer->importAction());
    file->addMenu(m_transfer->exportMenu());
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_history->undoAction());
    edit->addAction(m_history->redoAction());

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_navigation->count(); ++i) {
        QListWidgetItem *item = m_navigation->item(i);
        QAction *go = view->addAction(item->icon(), item->text());
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(go, &QAction::triggered, this, [this, i] { showPage(Page(i)); });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    if (!m_room.adminUrl.isEmpty()) {
        help->addAction(tr("Admin API reference (OpenAPI)"), this, [this] {
            QDesktopServices::openUrl(QUrl(m_room.adminUrl + QStringLiteral("/openapi.json")));
        });
    }
    help->addAction(tr("&About Portico"), this, [this] {
        QMessageBox::about(this, tr("About Portico"),
                           tr("<h3>Portico %1</h3><p>A local API gateway with a control room: "
                              "routes, keys, quotas and live traffic in one place.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

RouteTesterDialog *MainWindow::testTrafficRequest()
{
    // The selected request, as its client sent it: "why did this get its answer?"
    const CaptureRecords selected = m_traffic->selectedRecords();
    if (selected.size() != 1)
        return RouteTesterDialog::openOnStored(
            m_room, QStringLiteral("GET"),
            RouteTesterDialog::suggestedUrl(m_room.config->config(), nullptr, m_room.engine), {},
            this);
    const CaptureRecord &r = *selected.front();
    QStringList headers;
    for (const CapturedField &field : r.requestHeaders) {
        if (field.name.compare("Host", Qt::CaseInsensitive) != 0)
            headers << captureText(field.name) + QStringLiteral(": ") + captureText(field.value);
    }
    return RouteTesterDialog::openOnStored(m_room, captureText(r.method),
                                           captureText(requestUrl(r)),
                                           headers.join(QLatin1Char('\n')), this);
}

void MainWindow::setStartError(const QString &message)
{
    m_startError = message;
    m_dashboard->setStartError(message);
    refreshStatus();
}

void MainWindow::setStoreDescription(const QString &description)
{
    m_dashboard->setStoreDescription(description);
}

void MainWindow::showPage(Page page)
{
    m_navigation->setCurrentRow(int(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return Page(m_pages->currentIndex());
}

QWidget *MainWindow::page(Page page) const
{
    return m_pages->widget(int(page));
}

QString MainWindow::statusText() const
{
    return QStringList{plainText(m_stateLabel->text()), m_rateLabel->text(),
                       m_revisionLabel->text()}
        .join(QStringLiteral(" · "));
}

void MainWindow::refreshStatus()
{
    const bool running = m_room.engine->isRunning();
    if (running)
        m_stateLabel->setText(engineStateHtml(EngineState::Running));
    else if (!m_startError.isEmpty())
        m_stateLabel->setText(engineStateHtml(EngineState::Failed) + QStringLiteral(": ")
                              + m_startError.toHtmlEscaped());
    else
        m_stateLabel->setText(engineStateHtml(EngineState::Stopped));
    m_rateLabel->setText(running ? tr("%1 req/s").arg(QLocale().toString(m_requestsPerSecond, 'f',
                                                                          m_requestsPerSecond < 10
                                                                              ? 1
                                                                              : 0))
                                 : QString());
    m_revisionLabel->setText(tr("config r%1").arg(m_room.config->revision()));
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("MainWindow/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1280, 820);
    // By name, so that a page added later does not move the user to another one.
    const QString name = settings.value(QStringLiteral("MainWindow/page")).toString();
    for (int i = 0; i < m_pages->count(); ++i) {
        if (m_pages->widget(i)->objectName() == kPagePrefix + name)
            m_navigation->setCurrentRow(i);
    }
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("MainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("MainWindow/page"),
                      m_pages->currentWidget()->objectName().mid(kPagePrefix.size()));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace portico
