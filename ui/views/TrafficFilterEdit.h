#pragma once

#include "observe/TrafficFilter.h"

#include <QTimer>
#include <QWidget>

class QLineEdit;

namespace portico {

class FieldErrorLabel;

// The Traffic page's filter box. The text is parsed a moment after typing stops (debounced);
// a valid filter is emitted, an invalid one is shown as you type: the box gets a red frame,
// each refused term a wavy underline, and the message under the box says what is wrong. The
// previous valid filter stays applied meanwhile.
class TrafficFilterEdit : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kDebounceMs = 150;

    explicit TrafficFilterEdit(QWidget *parent = nullptr);

    QLineEdit *lineEdit() const { return m_edit; }
    // Parses now instead of after the pause (tests, Return).
    void applyNow();
    bool isValid() const { return m_valid; }
    QString errorText() const;
    // The filter last emitted (the one applied).
    const TrafficFilter &filter() const { return m_filter; }

Q_SIGNALS:
    void filterChanged(const portico::TrafficFilter &filter);

private:
    void showErrors(const std::vector<TrafficFilterError> &errors);

    QLineEdit *m_edit;
    FieldErrorLabel *m_error;
    QTimer m_debounce;
    TrafficFilter m_filter;
    QString m_appliedText;
    bool m_valid = true;
};

} // namespace portico
