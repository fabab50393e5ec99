#pragma once

#include "ControlRoom.h"

#include "observe/CaptureRecord.h"

#include <QWidget>

class QAction;
class QLabel;
class QStackedWidget;
class QTableView;

namespace portico {

class CaptureFeed;
class EmptyState;
class RecordDetailView;
class TrafficActions;
class TrafficFilterEdit;
class TrafficFilterProxy;
class TrafficTableModel;

// The live inspector: every request through the gateway as a row (time, method, path, route,
// consumer, status, latency, size, upstream target), appended in batches while the page is
// visible; a filter box; the selected request's details (summary, timing, decisions, request
// and response headers and bodies: captured while this page is open); pause, follow, clear;
// copy as curl, replay, HAR export, and a saved capture opened in place of the live one.
class TrafficPage : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficPage(ControlRoom room, QWidget *parent = nullptr);

    TrafficTableModel *liveModel() const { return m_live; }
    TrafficTableModel *fileModel() const { return m_file; }
    TrafficFilterProxy *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    RecordDetailView *detail() const { return m_detail; }
    TrafficFilterEdit *filterEdit() const { return m_filter; }
    CaptureFeed *feed() const { return m_feed; }
    TrafficActions *actions() const { return m_actions; }

    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);
    bool isFollowing() const;
    void setFollowing(bool follow);
    // Empties the table; requests captured from now on still come.
    void clear();

    // A saved capture instead of the live one: live updates pause until backToLive().
    void showFile(const CaptureRecords &records, const QString &path);
    void backToLive();
    bool isShowingFile() const { return m_showingFile; }

    // Selects a row of the table as shown (filtered), as a click would.
    void selectRow(int row);
    CaptureRecords selectedRecords() const;
    // The line under the table ("1,234 requests · 56 shown") and the capture note.
    QString countsText() const;
    QString captureNoteText() const;

Q_SIGNALS:
    // "Test a request…": the route tester opens (the window connects it; the action is
    // disabled until something is connected).
    void testRequestRequested();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    // "Test a request…" is enabled while something listens for it.
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    QWidget *buildToolbar();
    void setUpColumns();
    void updateFeed();
    void onPolled(int added);
    void onCurrentChanged();
    void updateCounts();
    void updateCaptureNote();
    void updateEmptyState();
    void updateActions();
    void showContextMenu(const QPoint &pos);
    void showMessage(const QString &text);
    CaptureRecords shownRecords() const;

    ControlRoom m_room;
    TrafficTableModel *m_live;
    TrafficTableModel *m_file;
    TrafficFilterProxy *m_proxy;
    CaptureFeed *m_feed;
    QTableView *m_view;
    RecordDetailView *m_detail;
    TrafficFilterEdit *m_filter;
    TrafficActions *m_actions;
    QStackedWidget *m_tableStack;
    QStackedWidget *m_detailStack;
    EmptyState *m_empty;
    QWidget *m_clearFilter = nullptr;
    QWidget *m_fileBanner;
    QLabel *m_fileLabel;
    QLabel *m_counts;
    QLabel *m_message;
    QLabel *m_captureNote;
    QAction *m_pause = nullptr;
    QAction *m_follow = nullptr;
    QAction *m_clear = nullptr;
    bool m_visible = false;
    bool m_paused = false;
    bool m_showingFile = false;
    int m_testListeners = 0;
    bool m_dropping = false; // the oldest rows are going: a moved selection is not the user's
};

} // namespace portico
