#include "TrafficPage.h"

#include "TrafficActions.h"
#include "models/CaptureFeed.h"
#include "models/TrafficFilterProxy.h"
#include "models/TrafficTableModel.h"
#include "views/CaptureNote.h"
#include "views/EmptyState.h"
#include "views/PageHeader.h"
#include "views/RecordDetailView.h"
#include "views/RowTable.h"
#include "views/TrafficFilterEdit.h"

#include "config/ConfigService.h"
#include "net/GatewayEngine.h"
#include "observe/TrafficCapture.h"

#include <QAction>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMetaMethod>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace portico {

namespace {

constexpr int kFileRows = 50'000; // a loaded capture may hold more than the live table keeps

} // namespace

TrafficPage::TrafficPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_live(new TrafficTableModel(this))
    , m_file(new TrafficTableModel(this))
    , m_proxy(new TrafficFilterProxy(this))
    , m_feed(new CaptureFeed(room.engine->capture(), m_live, this))
    , m_view(new QTableView)
    , m_detail(new RecordDetailView)
    , m_filter(new TrafficFilterEdit)
    , m_tableStack(new QStackedWidget)
    , m_detailStack(new QStackedWidget)
    , m_empty(new EmptyState("traffic"))
    , m_fileBanner(new QWidget)
    , m_fileLabel(new QLabel)
    , m_counts(new QLabel)
    , m_message(new QLabel)
    , m_captureNote(new QLabel)
{
    m_file->setMaxRows(kFileRows);
    m_proxy->setSourceModel(m_live);
    m_actions = new TrafficActions(
        room, this,
        {[this] { return selectedRecords(); }, [this] { return shownRecords(); },
         [this] { return static_cast<TrafficTableModel *>(m_proxy->sourceModel())->records(); }});

    m_view->setObjectName(QStringLiteral("trafficTable"));
    m_view->setModel(m_proxy);
    setUpRowTable(m_view, QAbstractItemView::ExtendedSelection);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setShowGrid(false);
    setUpColumns();

    m_filter->setObjectName(QStringLiteral("trafficFilterBox"));
    connect(m_filter, &TrafficFilterEdit::filterChanged, this, [this](const TrafficFilter &f) {
        m_proxy->setFilter(f);
        updateCounts();
        updateEmptyState();
    });
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(find);
    connect(find, &QAction::triggered, m_filter, [this] {
        m_filter->lineEdit()->setFocus();
        m_filter->lineEdit()->selectAll();
    });

    m_empty->setObjectName(QStringLiteral("trafficEmpty"));
    auto *clearFilter = m_empty->addButton(tr("Clear filter"), QStringLiteral("emptyClearFilter"));
    connect(clearFilter, &QPushButton::clicked, m_filter->lineEdit(), &QLineEdit::clear);
    m_clearFilter = clearFilter;
    m_tableStack->addWidget(m_view);
    m_tableStack->addWidget(m_empty);

    auto *noSelection = new QLabel(tr("Select a request to see its headers, body, timing and "
                                      "what the gateway decided."));
    noSelection->setAlignment(Qt::AlignCenter);
    noSelection->setForegroundRole(QPalette::PlaceholderText);
    m_detail->setObjectName(QStringLiteral("recordDetail"));
    m_detailStack->addWidget(noSelection);
    m_detailStack->addWidget(m_detail);

    auto *split = new QSplitter(Qt::Vertical);
    split->setObjectName(QStringLiteral("trafficSplit"));
    split->setChildrenCollapsible(false);
    split->addWidget(m_tableStack);
    split->addWidget(m_detailStack);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    // Shown while a saved capture replaces the live one.
    m_fileBanner->setObjectName(QStringLiteral("fileBanner"));
    m_fileBanner->setAutoFillBackground(true);
    m_fileBanner->setBackgroundRole(QPalette::ToolTipBase);
    m_fileLabel->setObjectName(QStringLiteral("fileLabel"));
    m_fileLabel->setForegroundRole(QPalette::ToolTipText);
    auto *backToLive = new QPushButton(portIcon("play"), tr("Back to live"));
    backToLive->setObjectName(QStringLiteral("backToLive"));
    connect(backToLive, &QPushButton::clicked, this, &TrafficPage::backToLive);
    auto *bannerLayout = new QHBoxLayout(m_fileBanner);
    bannerLayout->setContentsMargins(8, 4, 4, 4);
    bannerLayout->addWidget(m_fileLabel, 1);
    bannerLayout->addWidget(backToLive);
    m_fileBanner->hide();

    m_counts->setObjectName(QStringLiteral("trafficCounts"));
    m_message->setObjectName(QStringLiteral("trafficMessage"));
    m_message->setForegroundRole(QPalette::PlaceholderText);
    m_captureNote->setObjectName(QStringLiteral("captureNote"));
    m_captureNote->setForegroundRole(QPalette::PlaceholderText);
    m_captureNote->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_counts);
    bottom->addSpacing(12);
    bottom->addWidget(m_message, 1);
    bottom->addWidget(m_captureNote);

    auto *pageHeader =
        new PageHeader(tr("Traffic"),
                       tr("Each request through the gateway as it passes, with what the gateway "
                          "decided and why."));
    pageHeader->addAction(m_actions->testRequest());

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(pageHeader);
    layout->addWidget(buildToolbar());
    layout->addWidget(m_filter);
    layout->addWidget(m_fileBanner);
    layout->addWidget(split, 1);
    layout->addLayout(bottom);

    connect(m_feed, &CaptureFeed::polled, this, &TrafficPage::onPolled);
    connect(m_view, &QWidget::customContextMenuRequested, this, &TrafficPage::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TrafficPage::onCurrentChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TrafficPage::updateActions);
    // A scroll by the user: following stops above the newest row and resumes at it.
    connect(m_view->verticalScrollBar(), &QAbstractSlider::actionTriggered, this, [this] {
        const QScrollBar *bar = m_view->verticalScrollBar();
        setFollowing(bar->sliderPosition() >= bar->maximum());
    });
    // Following holds on when the range grows later than the rows came (a deferred layout).
    connect(m_view->verticalScrollBar(), &QAbstractSlider::rangeChanged, this,
            [this](int, int maximum) {
                if (isFollowing())
                    m_view->verticalScrollBar()->setValue(maximum);
            });
    connect(m_actions, &TrafficActions::message, this, &TrafficPage::showMessage);
    connect(m_actions, &TrafficActions::captureOpened, this, &TrafficPage::showFile);
    connect(m_actions, &TrafficActions::testRequestRequested, this,
            &TrafficPage::testRequestRequested);
    connect(m_room.config, &ConfigService::configChanged, this, &TrafficPage::updateCaptureNote);
    connect(m_room.engine, &GatewayEngine::runningChanged, this, &TrafficPage::updateEmptyState,
            Qt::QueuedConnection);
    connect(m_live, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this] { m_dropping = true; });
    connect(m_live, &QAbstractItemModel::rowsRemoved, this, [this] { m_dropping = false; });
    for (auto *model : {m_live, m_file}) {
        connect(model, &QAbstractItemModel::modelReset, this, &TrafficPage::updateCounts);
        connect(model, &QAbstractItemModel::modelReset, this, &TrafficPage::updateEmptyState);
    }
    m_actions->testRequest()->setEnabled(false); // until the window connects the tester
    updateCaptureNote();
    updateCounts();
    updateEmptyState();
    updateActions();
}

QWidget *TrafficPage::buildToolbar()
{
    m_pause = pageAction(this, "pause", tr("&Pause"), QStringLiteral("pause"),
                         QKeySequence(Qt::CTRL | Qt::Key_P), this);
    m_pause->setCheckable(true);
    connect(m_pause, &QAction::toggled, this, &TrafficPage::setPaused);
    m_follow = pageAction(this, "follow", tr("&Follow"), QStringLiteral("follow"),
                          QKeySequence(Qt::CTRL | Qt::Key_End), this);
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    m_follow->setStatusTip(tr("Keep the newest request in view; scrolling up or selecting a "
                              "row stops it, scrolling back to the end resumes it"));
    connect(m_follow, &QAction::toggled, this, &TrafficPage::setFollowing);
    m_clear = pageAction(this, "clear", tr("C&lear"), QStringLiteral("clear"),
                         QKeySequence(Qt::CTRL | Qt::Key_L), this);
    connect(m_clear, &QAction::triggered, this, &TrafficPage::clear);

    auto *bar = new QToolBar;
    bar->setObjectName(QStringLiteral("trafficToolbar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(18, 18));
    bar->addAction(m_pause);
    bar->addAction(m_follow);
    bar->addAction(m_clear);
    bar->addSeparator();
    bar->addAction(m_actions->copyCurl());
    bar->addAction(m_actions->replay());
    bar->addAction(m_actions->editReplay());
    bar->addSeparator();
    bar->addAction(m_actions->openCapture());
    // Save capture, with the narrower exports under its arrow.
    auto *exportButton = new QToolButton;
    exportButton->setObjectName(QStringLiteral("exportButton"));
    exportButton->setDefaultAction(m_actions->saveCapture());
    exportButton->setMenu(m_actions->exportMenu());
    exportButton->setPopupMode(QToolButton::MenuButtonPopup);
    exportButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addWidget(exportButton);
    return bar;
}

void TrafficPage::setUpColumns()
{
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(TrafficTableModel::Path, QHeaderView::Stretch);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    const QFontMetrics fm = fontMetrics();
    const int pad = 2 * fm.horizontalAdvance(u'M');
    const std::pair<int, const char *> widths[] = {
        {TrafficTableModel::Time, "00:00:00.000"},
        {TrafficTableModel::Method, "OPTIONS"},
        {TrafficTableModel::Route, "route-name-x"},
        {TrafficTableModel::Consumer, "consumer-name"},
        {TrafficTableModel::Status, "Status"},
        {TrafficTableModel::Latency, "1,234.5 ms"},
        {TrafficTableModel::Size, "1,023 KiB"},
        {TrafficTableModel::Upstream, "http://127.0.0.1:19001"}};
    for (const auto &[column, sample] : widths)
        m_view->setColumnWidth(column, fm.horizontalAdvance(QLatin1String(sample)) + pad);
    // Compact, uniform rows: many of them fit, and the view never measures them.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fm.height() + 8);
}

void TrafficPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_visible = true;
    updateFeed();
}

void TrafficPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_visible = false;
    updateFeed();
}

void TrafficPage::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&TrafficPage::testRequestRequested))
        m_actions->testRequest()->setEnabled(++m_testListeners > 0);
}

void TrafficPage::disconnectNotify(const QMetaMethod &signal)
{
    // (isSignalConnected() would deadlock here: Qt holds the connection lock.)
    if (signal == QMetaMethod::fromSignal(&TrafficPage::testRequestRequested))
        m_actions->testRequest()->setEnabled(--m_testListeners > 0);
}

void TrafficPage::updateFeed()
{
    // Details are captured while someone can see them: the page on screen, paused or not.
    m_feed->setWatching(m_visible);
    m_feed->setRunning(m_visible && !m_paused && !m_showingFile);
}

void TrafficPage::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    m_pause->setChecked(paused);
    m_pause->setText(paused ? tr("&Resume") : tr("&Pause"));
    m_pause->setIcon(portIcon(paused ? "play" : "pause"));
    updateFeed();
    updateCounts();
}

bool TrafficPage::isFollowing() const
{
    return m_follow->isChecked();
}

void TrafficPage::setFollowing(bool follow)
{
    m_follow->setChecked(follow);
    if (follow)
        m_view->scrollToBottom();
}

void TrafficPage::clear()
{
    if (m_showingFile)
        return;
    m_feed->skipToNow();
    m_live->clear();
    m_detail->setRecord(nullptr);
    m_detailStack->setCurrentIndex(0);
    showMessage(QString());
}

void TrafficPage::onPolled(int added)
{
    if (added == 0)
        return;
    updateCounts();
    updateEmptyState();
    updateActions();
    if (isFollowing())
        m_view->scrollToBottom();
}

void TrafficPage::showFile(const CaptureRecords &records, const QString &path)
{
    m_showingFile = true;
    m_file->setRecords(records);
    m_proxy->setSourceModel(m_file);
    const QString name = QFileInfo(path).fileName();
    const QString kept = records.size() > size_t(m_file->maxRows())
        ? tr(" (the last %1)").arg(QLocale().toString(m_file->maxRows()))
        : QString();
    m_fileLabel->setText(
        tr("<b>Showing the capture file %1</b>: %2 requests%3. Live updates "
           "are paused.")
            .arg(name.toHtmlEscaped(), QLocale().toString(qint64(records.size())), kept));
    m_fileBanner->show();
    m_clear->setEnabled(false);
    m_pause->setEnabled(false);
    m_detail->setRecord(nullptr);
    m_detailStack->setCurrentIndex(0);
    updateFeed();
    updateCounts();
    updateEmptyState();
    updateActions();
}

void TrafficPage::backToLive()
{
    if (!m_showingFile)
        return;
    m_showingFile = false;
    m_proxy->setSourceModel(m_live);
    m_file->clear();
    m_fileBanner->hide();
    m_clear->setEnabled(true);
    m_pause->setEnabled(true);
    m_detail->setRecord(nullptr);
    m_detailStack->setCurrentIndex(0);
    updateFeed(); // catches up with what came meanwhile
    setFollowing(true);
    updateCounts();
    updateEmptyState();
    updateActions();
}

void TrafficPage::selectRow(int row)
{
    const QModelIndex index = m_proxy->index(row, 0);
    if (!index.isValid())
        return;
    m_view->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

CaptureRecords TrafficPage::selectedRecords() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    CaptureRecords records;
    for (const QModelIndex &index : rows) {
        if (auto record = index.data(TrafficTableModel::RecordRole).value<CaptureRecordPtr>())
            records.push_back(record);
    }
    return records;
}

CaptureRecords TrafficPage::shownRecords() const
{
    CaptureRecords records;
    records.reserve(size_t(m_proxy->rowCount()));
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        records.push_back(
            m_proxy->index(row, 0).data(TrafficTableModel::RecordRole).value<CaptureRecordPtr>());
    return records;
}

void TrafficPage::onCurrentChanged()
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    const auto record = current.data(TrafficTableModel::RecordRole).value<CaptureRecordPtr>();
    if (!record || m_dropping)
        return; // keep showing the last one (its row may just have been dropped)
    if (record != m_detail->record()) {
        m_detail->setRecord(record);
        // A row picked to read: it should not scroll away.
        setFollowing(false);
    }
    m_detailStack->setCurrentIndex(1);
}

QString TrafficPage::countsText() const
{
    return m_counts->text();
}

QString TrafficPage::captureNoteText() const
{
    return m_captureNote->text();
}

void TrafficPage::updateCounts()
{
    const auto *source = static_cast<const TrafficTableModel *>(m_proxy->sourceModel());
    const QLocale locale;
    QString text = source->rowCount() == 1
        ? tr("1 request")
        : tr("%1 requests").arg(locale.toString(source->rowCount()));
    if (!m_proxy->filter().isEmpty())
        text += tr(" · %1 shown").arg(locale.toString(m_proxy->rowCount()));
    if (!m_showingFile && m_feed->missed() > 0)
        text += tr(" · %1 left the capture before the page read them")
                    .arg(locale.toString(m_feed->missed()));
    if (m_paused && !m_showingFile)
        text += tr(" · paused: requests are still captured, Resume shows them");
    m_counts->setText(text);
}

void TrafficPage::updateCaptureNote()
{
    const CaptureNote note = captureNote(m_room.config->config().settings.observe);
    m_captureNote->setText(note.line);
    m_detail->setNotCapturedNote(note.notCaptured);
}

void TrafficPage::updateEmptyState()
{
    const auto *source = static_cast<const TrafficTableModel *>(m_proxy->sourceModel());
    const bool none = source->rowCount() == 0;
    const bool filteredOut = !none && m_proxy->rowCount() == 0;
    if (filteredOut) {
        m_empty->setText(
            tr("No request matches \u201c%1\u201d").arg(m_filter->lineEdit()->text().trimmed()),
            tr("%1 requests are in the table; the filter hides them all.")
                .arg(QLocale().toString(source->rowCount())));
    } else if (m_showingFile) {
        m_empty->setText(tr("The file holds no requests"), QString());
    } else if (!m_room.engine->isRunning()) {
        m_empty->setText(tr("The gateway is not running"),
                         tr("Requests show here as they pass through the gateway, once it runs."));
    } else {
        m_empty->setText(tr("No requests yet"),
                         tr("Requests show here as they pass through the gateway, with what it "
                            "decided. Send one: curl %1/")
                             .arg(m_actions->gatewayUrl()));
    }
    m_clearFilter->setVisible(filteredOut);
    m_tableStack->setCurrentWidget(none || filteredOut ? static_cast<QWidget *>(m_empty) : m_view);
}

void TrafficPage::updateActions()
{
    const auto *source = static_cast<const TrafficTableModel *>(m_proxy->sourceModel());
    m_actions->update(int(m_view->selectionModel()->selectedRows().size()), m_proxy->rowCount(),
                      source->rowCount());
}

void TrafficPage::showContextMenu(const QPoint &pos)
{
    QMenu menu(this);
    menu.addAction(m_actions->copyCurl());
    menu.addAction(m_actions->replay());
    menu.addAction(m_actions->editReplay());
    menu.addSeparator();
    menu.addAction(m_actions->exportSelection());
    menu.addAction(m_actions->exportShown());
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void TrafficPage::showMessage(const QString &text)
{
    m_message->setText(text);
}

} // namespace portico
