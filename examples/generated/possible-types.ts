
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "Node": [
      "Activity",
      "Job",
      "JobRun",
      "Leaderboard",
      "LeaderboardEntry",
      "Notification",
      "Participation",
      "PointsRecord",
      "Season",
      "Standing",
      "User"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "Node": [
      "Activity",
      "Job",
      "JobRun",
      "Leaderboard",
      "LeaderboardEntry",
      "Notification",
      "Participation",
      "PointsRecord",
      "Season",
      "Standing",
      "User"
    ]
  }
};
      export default result;
    